from django.contrib.auth.backends import ModelBackend


class CmndOrCccdBackend(ModelBackend):
    pass
