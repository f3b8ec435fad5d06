"""Every URL answers with a strict Content-Security-Policy and a Permissions-Policy, and no
page relies on an inline script or style the policy would block."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from clinic.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from clinic.models import Episode, Patient
from intake.models import Invitation, Upload
from plans.models import TreatmentPlan

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)


def every_route(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if "admin" in route:
                continue  # the admin's pages are fetched below, by name
            routes += every_route(pattern, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def filled(route: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name == "slug":
            return "story"
        if name in ("variant",):
            return "patient"
        if name == "paper":
            return "a4"
        if name == "token":
            return "not-a-token"
        return str(ids.get(route.split("/")[0], 1)) if converter == "int" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


ADMIN_PAGES = ["/admin/", "/admin/auth/user/", "/admin/clinic/auditevent/", "/admin/login/"]


def test_every_url_answers_with_the_policies_and_no_inline_script_or_style(demo):
    plan = TreatmentPlan.objects.filter(status="approved").first()
    ids = {
        "patients": Patient.objects.first().pk,
        "episodes": Episode.objects.first().pk,
        "plans": plan.pk if plan else 1,
        "links": Invitation.objects.first().pk if Invitation.objects.exists() else 1,
        "questionnaire-files": Upload.objects.first().pk if Upload.objects.exists() else 1,
    }
    users = get_user_model().objects
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name in ("practitioner", "frontdesk", "admin"):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(users.get(username=name))
    urls = [filled(route, ids) for route in every_route()] + ADMIN_PAGES + ["/nowhere/"]
    checked = 0
    for url in urls:
        for who, client in clients.items():
            response = client.get(url)
            where = f"{url} as {who} ({response.status_code})"
            assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
            assert response["Permissions-Policy"] == PERMISSIONS_POLICY, where
            if response.get("Content-Type", "").startswith("text/html"):
                found = INLINE.search(response.content.decode())
                assert found is None, f"{where}: {found and found.group(0)}"
            checked += 1
    assert checked >= 4 * 30


def test_the_policy_is_strict():
    for rule in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'"):
        assert rule in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY


def test_a_bad_request_and_a_server_error_carry_the_policies_too(front_desk, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(front_desk)
    bad = client.get("/patients/?q=%00")
    assert (bad.status_code, bad["Content-Security-Policy"]) == (400, CONTENT_SECURITY_POLICY)

    def broken(**fields):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("clinic.audit.append", broken)
    error = client.get("/patients/")
    assert (error.status_code, error["Permissions-Policy"]) == (500, PERMISSIONS_POLICY)
    assert INLINE.search(error.content.decode()) is None
