from django.http import HttpResponse


def lockout(request, credentials, *args, **kwargs):
    return HttpResponse(status=429)
