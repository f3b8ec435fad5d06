"""Two-factor sign-in for staff (django-otp): a time-based code from an app (TOTP), with
ten single-use recovery codes.

Each person enrols from their account menu ("Two-factor sign-in"). Once enrolled, or
once the clinic requires it for everyone (Clinic settings, "Require two-factor sign-in"),
a password alone reaches no page: the middleware sends the session to the code page, or
to enrolment. A wrong code counts as a failed sign-in for django-axes, so the same
lockout guards both steps.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import audit
from clinic.models import ClinicSettings

RECOVERY_CODES = 10
#: Pages a signed-in person may reach before the second step.
OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/static/")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
    )


#: Set in the session at sign-in: whether this sign-in needs a second factor.
NEEDS_SECOND_FACTOR = "two_factor_needed"


def required_for(user: Any) -> bool:
    return user_has_device(user) or ClinicSettings.load().require_two_factor


def note_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Decided once per sign-in, so that pages cost no query for it (`user_logged_in`).

    Turning the clinic's requirement on applies from each person's next sign-in.
    """
    if request is not None and hasattr(request, "session"):
        request.session[NEEDS_SECOND_FACTOR] = required_for(user)


def verified(request: HttpRequest) -> bool:
    """Whether this session passed the second step (`is_verified` is OTPMiddleware's)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_step(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A signed-in person who needs a second factor reaches only the two-factor pages."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and request.session.get(NEEDS_SECOND_FACTOR)
            and not request.path.startswith(OPEN_PATHS)
            and not verified(request)
        ):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return get_response(request)

    return middleware


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else reverse("home")


def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    if not user_has_device(user):
        return redirect("two_factor_setup")
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, credentials):
            return render(request, "registration/locked_out.html", status=429)
        device = match_token(user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            audit.record(request, "view", detail="signed in with a second factor")
            return redirect(_next(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        audit.record(request, "deny", detail="wrong second-factor code")
        form.add_error("code", "That code is not right, or it has been used: try the next one.")
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/two_factor_verify.html", context)


def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, type one code to confirm it."""
    user = request.user
    if user_has_device(user) and not verified(request):
        return redirect("two_factor_verify")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            device.confirmed = True
            device.save()
            codes = recovery_codes(user)
            otp_login(request, device)
            audit.record(request, "staff", detail="two-factor sign-in enrolled")
            messages.success(request, "Two-factor sign-in is on for your account.")
            shown = {"codes": codes, "next": _next(request)}
            return render(request, "registration/two_factor_codes.html", shown)
        form.add_error("code", "That code is not right: check your phone's clock and try again.")
    secret = base64.b32encode(device.bin_key).decode()
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    context: dict[str, Any] = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": mark_safe(image.to_string(encoding="unicode")),  # noqa: S308 - our own SVG
        "enrolled": user_has_device(user),
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


def recovery_codes(user: Any) -> list[str]:
    """Ten new single-use codes (the old ones stop working), shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
