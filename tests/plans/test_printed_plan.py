"""The printed plan: what the PDF says, its variants and paper sizes, the fetcher, the cache."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clinic.models import AuditEvent
from plans.models import PlanPdf, approve_plan, revise_plan
from plans.pdf import plan_pdf
from plans.render import APP_ORIGIN, RefusedURL, StaticOnlyFetcher, render_pdf
from tests.builders import make_episode, make_patient
from tests.plans.builders import L5_DISC_HISTORY, make_approved_plan, make_diagnosis, make_exam

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def image_count(content: bytes) -> int:
    reader = PdfReader(io.BytesIO(content))
    return sum(len(page.images) for page in reader.pages)


@pytest.fixture
def plan(practitioner):
    patient = make_patient(first_name="Zoë", last_name="Marchetti")
    return make_approved_plan(make_episode(patient=patient), practitioner)


def test_the_patient_copy_says_who_what_when_and_when_to_seek_urgent_care(plan):
    text = pdf_text(plan_pdf(plan, "patient", "a4"))
    assert "Zoë Marchetti" in text
    assert "Lumbar disc herniation with radiculopathy" in text
    assert "L5 nerve root" in text
    for day in plan.visit_dates():
        assert day.strftime("%-d %b") in text, day
    assert "Visit 8" in text
    assert "Visit 4: review" in text  # the reassessment visit, marked in the calendar
    for modality in ("Acupuncture", "Electroacupuncture", "Cupping"):
        assert modality in text
    assert "fade within days to a week" in text
    assert "Seek urgent care if" in text
    assert "numbness or tingling between your legs" in text
    assert "Walk a little, often." in text
    assert "Devillé" not in text  # the evidence is for the clinician copy


def test_the_clinician_copy_adds_the_evidence_and_the_scores(plan):
    text = pdf_text(plan_pdf(plan, "clinician", "a4"))
    assert "Clinical summary" in text
    assert "Devillé 2000" in text
    assert "Cook LSS cluster" in text
    assert "Reduced sensation over the dorsum of the foot and lateral calf (L5), right" in text
    assert "exam.sensation" not in text  # findings in words, not field paths
    assert "Safety-netting on the patient's copy" in text
    assert "numbness or tingling between your legs" in text


def test_the_clinician_copy_speaks_to_the_clinician(plan):
    text = pdf_text(plan_pdf(plan, "clinician", "a4"))
    for patient_words in ("Your treatment", "Your visits", "Looking after yourself",
                          "please tell us", "Seek urgent care if"):  # fmt: skip
        assert patient_words not in text, patient_words
    assert "Reassess at visit 4" in text


@pytest.mark.parametrize("advice_lines", [30, 32, 36, 40])
def test_no_page_of_the_clinician_copy_holds_only_the_safety_netting_box(
    advice_lines, practitioner
):
    advice = [f"Advice line {n} about looking after the back at home." for n in range(advice_lines)]
    plan = make_approved_plan(make_episode(), practitioner, advice=advice)
    reader = PdfReader(io.BytesIO(plan_pdf(plan, "clinician", "a4")))
    for page in reader.pages:
        text = " ".join((page.extract_text() or "").split())
        if text.startswith(("Safety-netting", "Seek urgent care")):
            assert "Clinical summary" in text or "Advice line" in text, text[:200]


def test_a4_and_us_letter_are_different_page_sizes(plan):
    a4 = PdfReader(io.BytesIO(plan_pdf(plan, "patient", "a4"))).pages[0].mediabox
    letter = PdfReader(io.BytesIO(plan_pdf(plan, "patient", "letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_the_referral_letter_names_the_red_flags(practitioner, client_for):
    episode = make_episode(patient=make_patient(first_name="Henrik", last_name="Solberg"))
    make_exam(episode, history={**L5_DISC_HISTORY, "red_flags": {"history_of_cancer": True}})
    client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]),
        {"refer_to": "Dr Amara, Riverside Surgery", "urgency": "within_days",
         "letter": "Please review this week.", "approve": "1"},
    )  # fmt: skip
    letter = episode.plans.get()
    text = pdf_text(plan_pdf(letter, "referral", "a4"))
    assert "Henrik Solberg" in text
    assert "Dr Amara, Riverside Surgery" in text
    assert "Urgent (within days)" in text
    assert "Possible malignancy" in text
    assert "Please review this week." in text


# (scenario, URL the PDF tries to load)
REFUSED = {
    "a local file": "file:///etc/passwd",
    "an external site": "https://example.com/tracker.png",
    "plain http": "http://example.com/x.png",
    "the app's origin outside /static/": f"{APP_ORIGIN}/media/clinic/logo.png",
    "a path that climbs out of static": f"{APP_ORIGIN}/static/../clinic/settings.py",
    "an encoded climb": f"{APP_ORIGIN}/static/%2e%2e/clinic/settings.py",
}


@pytest.mark.parametrize("scenario", REFUSED)
def test_the_fetcher_refuses_everything_but_static_files_and_data_urls(scenario):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(REFUSED[scenario])


def test_the_fetcher_serves_the_apps_static_files_and_data_urls():
    css = StaticOnlyFetcher().fetch(f"{APP_ORIGIN}/static/plans/print.css")
    assert b"@font-face" in css.read()
    pixel = StaticOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert pixel.read() == b"hello"


def test_html_in_a_patient_note_embeds_nothing(practitioner):
    note = '<img src="file:///etc/passwd"> <img src="https://example.com/x.png"> Rest well'
    plan = make_approved_plan(make_episode(), practitioner, patient_note=note)
    content = plan_pdf(plan, "patient", "a4")
    assert image_count(content) == 0
    assert "root:x:0:0" not in pdf_text(content)
    assert "Rest well" in pdf_text(content)


def test_even_unescaped_html_cannot_pull_in_a_local_file_or_a_remote_image():
    html = '<p>Hello</p><img src="file:///etc/passwd"><img src="https://example.com/x.png">'
    html += '<link rel="stylesheet" href="file:///etc/passwd">'
    content = render_pdf(html, "a4")
    assert image_count(content) == 0
    assert "root:" not in pdf_text(content)


def test_an_approved_version_is_rendered_once_and_then_served_from_the_cache(plan, monkeypatch):
    first = plan_pdf(plan, "patient", "a4")

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("plans.render.render_pdf", must_not_render)
    assert plan_pdf(plan, "patient", "a4") == first
    assert PlanPdf.objects.filter(plan=plan).count() == 1


def test_printing_is_audited(plan, front_desk, client_for):
    response = client_for(front_desk).get(reverse("plan_print", args=[plan.pk, "patient", "a4"]))
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="print")
    assert event.patient == plan.episode.patient
    assert event.username == "frontdesk"
    assert "patient a4" in event.detail


def test_a_draft_is_never_printed(practitioner, client_for):
    episode = make_episode()
    make_exam(episode)
    make_diagnosis(episode, practitioner)
    client_for(practitioner).post(
        reverse("plan_edit", args=[episode.pk]),
        {"modalities": ["acupuncture"], "session_minutes": "20", "visits_per_week": "2",
         "total_visits": "8", "reassess_at_visit": "4", "start_date": "2030-03-04",
         "save": "1"},
    )  # fmt: skip
    draft = episode.plans.get()
    url = reverse("plan_print", args=[draft.pk, "patient", "a4"])
    assert client_for(practitioner).get(url).status_code == 404


def test_the_html_preview_shows_the_same_content_as_the_pdf(plan, practitioner, client_for):
    page = client_for(practitioner).get(reverse("plan_print_preview", args=[plan.pk, "patient"]))
    assert "Seek urgent care if" in page.text
    assert "Zoë Marchetti" in page.text
    assert "plans/print.css" in page.text


def test_the_letterhead_carries_the_clinics_details_and_logo(plan, settings, tmp_path):
    from django.core.files.base import ContentFile
    from PIL import Image

    from clinic.models import ClinicSettings

    settings.MEDIA_ROOT = tmp_path
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), "#1f4e5f").save(logo, "PNG")
    clinic = ClinicSettings.load()
    clinic.name = "Willow Lane Acupuncture"
    clinic.phone = "01632 960000"
    clinic.print_footer = "Registered with the example council."
    clinic.logo.save("logo.png", ContentFile(logo.getvalue()))
    content = plan_pdf(plan, "patient", "letter")
    text = pdf_text(content)
    assert "Willow Lane Acupuncture" in text
    assert "01632 960000" in text
    assert "Registered with the example council." in text
    assert image_count(content) >= 1  # the logo (0 in the tests that must embed nothing)


def superseded(plan, practitioner):
    """`plan` after version 2 was approved over it, with the PDF it had while current."""
    plan_pdf(plan, "patient", "a4")  # printed (and cached) while it was current
    newer = revise_plan(plan, by=practitioner)
    approve_plan(newer, by=practitioner)
    plan.refresh_from_db()
    newer.refresh_from_db()
    return plan, newer


def test_a_superseded_version_prints_marked_on_every_page(plan, practitioner):
    old, newer = superseded(plan, practitioner)
    reader = PdfReader(io.BytesIO(plan_pdf(old, "patient", "a4")))
    mark = f"Superseded on {newer.approved_at:%-d %B %Y} by version {newer.version}"
    assert len(reader.pages) > 1
    for number, page in enumerate(reader.pages, start=1):
        assert mark in " ".join((page.extract_text() or "").split()), f"page {number}"
    assert "Superseded on" not in pdf_text(plan_pdf(newer, "patient", "a4"))


def test_only_the_current_version_is_offered_for_printing(
    plan, practitioner, front_desk, client_for
):
    old, newer = superseded(plan, practitioner)
    page = client_for(front_desk).get(old.episode.get_absolute_url()).text
    assert reverse("plan_print", args=[newer.pk, "patient", "a4"]) in page
    assert reverse("plan_print", args=[old.pk, "patient", "a4"]) not in page
    detail = client_for(practitioner).get(old.get_absolute_url()).text
    assert f"Superseded on {newer.approved_at:%-d %B %Y} by" in detail
