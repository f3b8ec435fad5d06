"""The app's URLs plus the reference page of the page benchmark: a view that says "ok"."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/ok/", ok), path("", include("clinic.urls"))]
