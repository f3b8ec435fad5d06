"""Files from the patient: checked by content, kept privately, downloaded only by staff."""

import io

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from clinic.models import AuditEvent
from intake.models import Upload
from tests.builders import make_episode, make_patient
from tests.intake.questionnaire_builders import BORN, make_invitation, patient_client, step_url

pytestmark = pytest.mark.django_db


def pdf(**extra: object) -> bytes:
    """A real one-page PDF; `extra` adds entries to its catalogue (an /OpenAction, ...)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    for key, value in extra.items():
        writer._root_object[pypdf.generic.NameObject(f"/{key}")] = value
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf()
#: What the first check let through: the magic bytes, then a web page.
FAKE_PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, kind)
    return buffer.getvalue()


def named(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def upload(client: Client, name: str, content: bytes):
    return client.post(reverse("questionnaire_upload"), {"file": named(name, content)}, follow=True)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("scan.JPG", image("JPEG"), "image/jpeg"),
        ("scan.jpeg", image("JPEG"), "image/jpeg"),
        ("scan.png", image("PNG"), "image/png"),
    ],
)
def test_pdf_jpeg_and_png_files_are_accepted(name, content, content_type):
    invitation, token = make_invitation()
    response = upload(patient_client(token), name, content)
    assert f"{name} is added" in response.text
    stored = Upload.objects.get(questionnaire=invitation.questionnaire)
    assert stored.content_type == content_type
    assert stored.original_name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf at all", "not a PDF"),
        ("report.pdf", image("PNG"), "not a PDF"),
        ("scan.jpg", PDF, "not a JPEG image"),
        ("scan.png", image("JPEG"), "not a PNG image"),
        ("scan.png", b"\x89PNG\r\n\x1a\n broken", "not a PNG image"),
        ("notes.txt", b"hello", "Please choose a PDF, JPEG or PNG file"),
        ("script.html", b"<script>alert(1)</script>", "Please choose a PDF, JPEG or PNG file"),
        ("noextension", PDF, "Please choose a PDF, JPEG or PNG file"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(name, content, message):
    invitation, token = make_invitation()
    response = upload(patient_client(token), name, content)
    assert message in response.text
    assert not Upload.objects.filter(questionnaire=invitation.questionnaire).exists()


def test_a_decompression_bomb_is_refused_not_an_error(monkeypatch):
    # Pillow refuses images over twice MAX_IMAGE_PIXELS; a small limit makes a small bomb.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 16)
    invitation, token = make_invitation()
    response = upload(patient_client(token), "scan.png", image("PNG"))
    assert response.status_code == 200
    assert "not a PNG image" in response.text
    assert not Upload.objects.exists()


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.QUESTIONNAIRE_UPLOAD_MAX_BYTES = 100
    invitation, token = make_invitation()
    response = upload(patient_client(token), "report.pdf", PDF + b"0" * 200)
    assert "too large" in response.text
    assert not Upload.objects.exists()


def test_files_are_kept_outside_the_media_folder_and_have_no_address(settings, tmp_path):
    _invitation, token = make_invitation()
    upload(patient_client(token), "report.pdf", PDF)
    stored = Upload.objects.get()
    path = stored.file.path
    assert path.startswith(str(tmp_path / "private"))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert "report" not in path  # a random name on disk
    with pytest.raises(ValueError):
        stored.file.url  # noqa: B018


def test_staff_download_is_an_audited_attachment(practitioner, client_for):
    _invitation, token = make_invitation()
    upload(patient_client(token), "report.pdf", PDF)
    stored = Upload.objects.get()
    response = client_for(practitioner).get(reverse("upload_download", args=[stored.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.get(action="export", object_type="upload")
    assert event.user == practitioner
    assert event.patient == stored.patient


def test_the_patient_can_remove_their_own_file_but_not_another_patients():
    mine, my_token = make_invitation()
    theirs, their_token = make_invitation(make_episode(patient=make_patient(date_of_birth=BORN)))
    upload(patient_client(their_token), "theirs.pdf", PDF)
    their_file = Upload.objects.get(questionnaire=theirs.questionnaire)
    client = patient_client(my_token)
    response = client.post(reverse("questionnaire_upload_remove", args=[their_file.pk]))
    assert response.status_code == 404
    assert Upload.objects.filter(pk=their_file.pk).exists()
    upload(client, "mine.pdf", PDF)
    my_file = Upload.objects.get(questionnaire=mine.questionnaire)
    client.post(reverse("questionnaire_upload_remove", args=[my_file.pk]))
    assert not Upload.objects.filter(pk=my_file.pk).exists()


def test_the_scans_step_lists_only_this_patients_files():
    _theirs, their_token = make_invitation(make_episode(patient=make_patient(date_of_birth=BORN)))
    upload(patient_client(their_token), "their-secret-scan.pdf", PDF)
    _mine, my_token = make_invitation()
    page = patient_client(my_token).get(step_url("scans"))
    assert "their-secret-scan.pdf" not in page.text
    assert "No files yet" in page.text


def test_the_scans_step_states_the_clinics_own_size_limit(settings):
    settings.QUESTIONNAIRE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    _invitation, token = make_invitation()
    page = patient_client(token).get(step_url("scans"))
    assert "up to 5 MB" in page.text


def test_adding_a_file_also_saves_the_answers_typed_on_the_scans_step():
    invitation, token = make_invitation()
    client = patient_client(token)
    client.post(step_url("scans"), {"scan_notes": "MRI in March", "autosave": "1"})
    page = client.post(
        reverse("questionnaire_upload"),
        {
            "step_answers": "scans",
            "scan_kinds": ["mri"],
            "scan_notes": "MRI in March at the city hospital",
            "file": named("mri.pdf", PDF),
        },
        follow=True,
    )
    extra = invitation.questionnaire.__class__.objects.get(pk=invitation.questionnaire.pk).extra
    assert extra["scans"] == {"kinds": ["mri"], "notes": "MRI in March at the city hospital"}
    assert "MRI in March at the city hospital" in page.text
    assert "mri.pdf is added" in page.text


def test_removing_a_file_also_saves_the_answers_typed_on_the_scans_step():
    invitation, token = make_invitation()
    client = patient_client(token)
    upload(client, "mri.pdf", PDF)
    added = Upload.objects.get(questionnaire=invitation.questionnaire)
    client.post(
        reverse("questionnaire_upload_remove", args=[added.pk]),
        {"step_answers": "scans", "scan_notes": "No scans after all"},
    )
    invitation.questionnaire.refresh_from_db()
    assert invitation.questionnaire.extra["scans"]["notes"] == "No scans after all"


def test_adding_without_choosing_a_file_says_so_and_keeps_the_answers():
    invitation, token = make_invitation()
    page = patient_client(token).post(
        reverse("questionnaire_upload"),
        {"step_answers": "scans", "scan_notes": "X-ray in 2019"},
        follow=True,
    )
    assert "Choose a file to add first." in page.text
    assert "X-ray in 2019" in page.text


def test_the_same_file_twice_is_refused_even_under_another_name():
    invitation, token = make_invitation()
    client = patient_client(token)
    upload(client, "mri.pdf", PDF)
    page = upload(client, "mri-copy.pdf", PDF)
    assert "This file is already added (as mri.pdf)" in page.text
    assert Upload.objects.filter(questionnaire=invitation.questionnaire).count() == 1
    upload(client, "other.pdf", PDF + b"%another page\n")
    assert Upload.objects.filter(questionnaire=invitation.questionnaire).count() == 2


def test_the_scans_step_shows_no_template_comment():
    _invitation, token = make_invitation()
    page = patient_client(token).get(step_url("scans"))
    assert "{#" not in page.text and "step-form" in page.text


def stored_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


JAVASCRIPT = pypdf.generic.DictionaryObject(
    {
        pypdf.generic.NameObject("/S"): pypdf.generic.NameObject("/JavaScript"),
        pypdf.generic.NameObject("/JS"): pypdf.generic.TextStringObject("app.alert(1)"),
    }
)
LAUNCH = pypdf.generic.DictionaryObject(
    {
        pypdf.generic.NameObject("/S"): pypdf.generic.NameObject("/Launch"),
        pypdf.generic.NameObject("/F"): pypdf.generic.TextStringObject("calc.exe"),
    }
)


def pdf_with_attachment() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("run.exe", b"MZ")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        pytest.param(
            FAKE_PDF + b"<html><script>alert(1)</script>", "not a PDF", id="magic-then-html"
        ),
        pytest.param(
            PDF + b"<html><script>alert(1)</script></html>", "not a PDF", id="pdf-html-polyglot"
        ),
        pytest.param(pdf(OpenAction=JAVASCRIPT), "scripts, actions", id="javascript-on-open"),
        pytest.param(pdf(OpenAction=LAUNCH), "scripts, actions", id="launch-action"),
        pytest.param(pdf_with_attachment(), "scripts, actions", id="embedded-file"),
    ],
)
def test_a_pdf_is_parsed_and_refused_with_scripts_actions_or_attachments(content, says, settings):
    invitation, token = make_invitation()
    page = upload(patient_client(token), "report.pdf", content)
    assert says in page.text
    assert not Upload.objects.exists()
    assert stored_files(settings) == []


def test_a_real_pdf_is_kept_as_sent():
    invitation, token = make_invitation()
    upload(patient_client(token), "report.pdf", PDF)
    stored = Upload.objects.get()
    assert (stored.content_type, stored.file.read()) == ("application/pdf", PDF)


def test_an_image_is_kept_re_encoded_without_its_metadata_or_anything_appended():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude: where the photo was taken
    exif[0x010F] = "Phone maker"
    Image.new("RGB", (16, 16), "white").save(buffer, "JPEG", exif=exif)
    polyglot = buffer.getvalue() + b"<html><script>alert(1)</script></html>"
    invitation, token = make_invitation()
    upload(patient_client(token), "scan.jpg", polyglot)
    kept = Upload.objects.get().file.read()
    assert b"<script>" not in kept and b"Phone maker" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert (image.format, image.size, dict(image.getexif())) == ("JPEG", (16, 16), {})


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # the point of the test
def test_an_image_over_the_pixel_limit_is_refused_with_its_size(settings):
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    invitation, token = make_invitation()
    page = upload(patient_client(token), "scan.png", buffer.getvalue())
    assert "too large (12000 × 12000 pixels)" in page.text
    assert not Upload.objects.exists()


def test_a_file_whose_audit_event_fails_leaves_neither_row_nor_file(settings, monkeypatch):
    from django.db import OperationalError

    invitation, token = make_invitation()
    client = patient_client(token)

    def connection_lost(**fields):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("clinic.audit.append", connection_lost)
    client.raise_request_exception = False
    response = client.post(reverse("questionnaire_upload"), {"file": named("scan.pdf", PDF)})
    assert response.status_code == 500
    assert not Upload.objects.exists()
    assert stored_files(settings) == []
