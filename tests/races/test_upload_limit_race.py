"""Fifteen files sent at once by one patient: never more than the limit of ten stored."""

import io
from functools import partial

import pytest
from django.urls import reverse

from intake.forms import MAX_UPLOADS
from intake.models import Upload
from tests.intake.questionnaire_builders import make_invitation, patient_client, second_tab
from tests.intake.test_questionnaire_uploads import PDF
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")


def test_uploads_sent_at_once_stop_at_the_limit_and_leave_no_stray_file(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    invitation, token = make_invitation()
    first = patient_client(token)

    def send(n: int):
        file = io.BytesIO(PDF)
        file.name = f"scan-{n}.pdf"
        return second_tab(first).post(reverse("questionnaire_upload"), {"file": file})

    responses = at_once(*(partial(send, n) for n in range(15)))
    assert all(getattr(r, "status_code", r) == 302 for r in responses), responses
    assert Upload.objects.filter(questionnaire=invitation.questionnaire).count() == MAX_UPLOADS
    files = [p for p in (tmp_path / "private").rglob("*") if p.is_file()]
    assert len(files) == MAX_UPLOADS
