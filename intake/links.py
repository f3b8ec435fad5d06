"""A patient's new link, handed to the staff who made it: emailed if asked, and shown once.

Only a link's hash is stored (`PatientLink.token_hash`). The view that makes a link keeps
its raw token in the server-side session (`keep_to_show`) and redirects; the page it
redirects to takes the token out (`take_to_show`) and shows it, with its QR code, once.
Reloading that page shows no link. The questionnaire's link and the course's work so.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string

from clinic.models import ClinicSettings
from intake.models import PatientLink, hash_token

logger = logging.getLogger(__name__)


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    # Sized by CSS, labelled for screen readers.
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code of the link" ', 1)


def email_link(request: HttpRequest, link: Any, url: str, *, subject: str, template: str) -> bool:
    """Email a link (`url`) to its patient; whether it went. `subject` names the clinic as
    "{clinic}"; the template has the patient, the url, the link and the clinic. When the
    email did not go, the page says so and offers the link and its QR code to give by hand
    (the failure is logged, never the link)."""
    clinic = ClinicSettings.load()
    patient = link.patient
    context = {"patient": patient, "url": url, "link": link, "clinic": clinic}
    try:
        send_mail(
            subject=subject.format(clinic=clinic.name),
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[patient.email],
        )
    except (OSError, smtplib.SMTPException):
        logger.exception("A link email (%s) to patient %s failed", template, patient.pk)
        messages.error(
            request,
            "The email could not be sent. Give the patient the link or QR code below, "
            "or try again later.",
        )
        return False
    return True


def keep_to_show(
    request: HttpRequest, key: str, link: PatientLink, token: str, *, sent: bool = False
) -> None:
    """Hold the new link's token in the session (`key`) until its page shows it."""
    request.session[key] = {"link": link.pk, "token": token, "sent": sent}


def take_to_show(request: HttpRequest, key: str, link: PatientLink) -> tuple[str | None, bool]:
    """The token held for `link`, taken out of the session so that it is shown once, and
    whether it was emailed; None when it was shown already or the link has a newer one."""
    held = request.session.get(key) or {}
    if held.get("link") != link.pk:
        return None, False
    del request.session[key]
    token = held.get("token")
    if not isinstance(token, str) or hash_token(token) != link.token_hash:
        return None, False  # sent again since: this token no longer opens anything
    return token, bool(held.get("sent"))
