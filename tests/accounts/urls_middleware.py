"""A URLconf for the CCCD middleware tests: views with and without the exemption."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.utils.decorators import method_decorator
from django.views import View

from accounts.middleware import cccd_not_required


def plain(request):
    return HttpResponse(f"plain for {request.user}")


@cccd_not_required
def exempt(request):
    return HttpResponse("exempt")


@method_decorator(cccd_not_required, name="dispatch")
class ExemptClassView(View):
    def get(self, request):
        return HttpResponse("exempt class")


def submit(request):
    return HttpResponse(f"{request.method} handled")


other_organisation = ([path("api/", plain, name="api")], "citizen_registry")

urlpatterns = [
    path("", include("portal.public_urls")),
    path("", include("accounts.urls")),
    path("plain/", plain),
    path("exempt/", exempt),
    path("exempt-class/", ExemptClassView.as_view()),
    path("submit/", submit),
    path("registry/", include(other_organisation)),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]
