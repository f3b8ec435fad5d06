"""An approved plan's copies are rendered after the approval commits, off the request, so
that printing serves stored bytes; what is not stored yet prints on request as before."""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent, Episode
from plans.models import PlanPdf, approve_plan, revise_plan
from plans.pdf import keep_printed_copies, print_ahead, stored_copy
from tests.builders import make_episode
from tests.plans.builders import (
    make_approved_plan,
    make_diagnosed_episode,
)
from tests.plans.test_plan_builder import GOOD_PLAN
from tests.plans.test_printed_plan import pdf_text
from tests.plans.test_referral_sent import flagged_episode_with_letter

pytestmark = pytest.mark.django_db

EVERY_COPY = {
    ("patient", "a4"),
    ("patient", "letter"),
    ("clinician", "a4"),
    ("clinician", "letter"),
}


def must_not_render(*args, **kwargs):
    raise AssertionError("rendered")


@pytest.fixture
def episode(practitioner):
    return make_diagnosed_episode(practitioner)


def approve_in_the_builder(client, episode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "approve": "1"}
        )
    assert response.status_code == 302
    return episode.plans.get(), callbacks


def kept(plan):
    return set(PlanPdf.objects.filter(plan=plan).values_list("variant", "paper"))


def test_approving_a_plan_stores_every_copy_to_print_without_a_print_request(
    episode, practitioner, client_for, django_capture_on_commit_callbacks
):
    plan, callbacks = approve_in_the_builder(
        client_for(practitioner), episode, django_capture_on_commit_callbacks
    )
    assert len(callbacks) == 1
    assert kept(plan) == EVERY_COPY
    assert not AuditEvent.objects.filter(action="print").exists()


def test_printing_an_approved_plan_then_serves_the_stored_copy_and_is_audited(
    episode, practitioner, front_desk, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    plan, _ = approve_in_the_builder(
        client_for(practitioner), episode, django_capture_on_commit_callbacks
    )
    monkeypatch.setattr("plans.render.render_pdf", must_not_render)
    response = client_for(front_desk).get(reverse("plan_print", args=[plan.pk, "patient", "a4"]))
    assert response["Content-Type"] == "application/pdf"
    stored = PlanPdf.objects.get(plan=plan, variant="patient", paper="a4")
    assert response.content == bytes(stored.content)
    assert AuditEvent.objects.get(action="print").detail == "v1 patient a4"


def test_the_stored_copy_comes_with_its_plan_episode_and_patient_and_the_rest_loads_if_read(
    episode, practitioner, client_for, django_capture_on_commit_callbacks
):
    plan, _ = approve_in_the_builder(
        client_for(practitioner), episode, django_capture_on_commit_callbacks
    )
    kept = stored_copy(plan.pk, "clinician", "letter")
    content, kept_plan = bytes(kept.content), kept.plan
    assert content == bytes(
        PlanPdf.objects.get(plan=plan, variant="clinician", paper="letter").content
    )
    assert (kept_plan.pk, kept_plan.version, kept_plan.kind, kept_plan.status) == (
        plan.pk,
        plan.version,
        plan.kind,
        plan.status,
    )
    assert (kept_plan.episode.pk, kept_plan.patient.pk) == (episode.pk, episode.patient_id)
    assert kept_plan.approved_at == plan.approved_at  # deferred, read from the database
    assert kept_plan.patient.last_name == episode.patient.last_name


def test_no_copy_is_served_as_kept_for_a_superseded_version_or_another_paper(
    episode, practitioner, client_for, django_capture_on_commit_callbacks
):
    plan, _ = approve_in_the_builder(
        client_for(practitioner), episode, django_capture_on_commit_callbacks
    )
    assert stored_copy(plan.pk, "patient", "legal") is None
    approve_plan(revise_plan(plan, by=practitioner), by=practitioner)
    assert stored_copy(plan.pk, "patient", "a4") is None


def test_the_front_desk_is_refused_the_stored_clinician_copy(
    episode, practitioner, front_desk, client_for, django_capture_on_commit_callbacks
):
    plan, _ = approve_in_the_builder(
        client_for(practitioner), episode, django_capture_on_commit_callbacks
    )
    url = reverse("plan_print", args=[plan.pk, "clinician", "a4"])
    assert client_for(front_desk).get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="print").exists()


def test_a_superseded_version_is_printed_afresh_marked_not_from_its_stored_copy(
    episode, practitioner, front_desk, client_for, django_capture_on_commit_callbacks
):
    plan, _ = approve_in_the_builder(
        client_for(practitioner), episode, django_capture_on_commit_callbacks
    )
    approve_plan(revise_plan(plan, by=practitioner), by=practitioner)
    response = client_for(front_desk).get(reverse("plan_print", args=[plan.pk, "patient", "a4"]))
    stored = PlanPdf.objects.get(plan=plan, variant="patient", paper="a4")
    assert response.content != bytes(stored.content)
    assert "Superseded on" in pdf_text(response.content)
    assert AuditEvent.objects.get(action="print").detail == "v1 patient a4"


def test_a_stored_referral_letter_printed_is_the_referral_sent(
    practitioner, front_desk, client_for, monkeypatch
):
    episode, letter, _token = flagged_episode_with_letter(practitioner, client_for)
    keep_printed_copies(letter.pk)  # as once the approval has committed
    monkeypatch.setattr("plans.render.render_pdf", must_not_render)
    url = reverse("plan_print", args=[letter.pk, "referral", "a4"])
    response = client_for(front_desk).get(url)
    stored = PlanPdf.objects.get(plan=letter, variant="referral", paper="a4")
    assert response.content == bytes(stored.content)
    episode.refresh_from_db()
    assert (episode.status, episode.referred_by) == (Episode.Status.REFERRED, front_desk)
    assert AuditEvent.objects.filter(action="print", patient=episode.patient).count() == 1
    assert AuditEvent.objects.filter(detail="referred: letter printed").count() == 1


def test_nothing_is_rendered_before_the_approval_commits(
    episode, practitioner, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(practitioner).post(
            reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "approve": "1"}
        )
    assert len(callbacks) == 1
    assert not PlanPdf.objects.exists()


def test_saving_a_draft_renders_nothing(
    episode, practitioner, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_for(practitioner).post(
            reverse("plan_edit", args=[episode.pk]), {**GOOD_PLAN, "save": "1"}
        )
    assert callbacks == []
    assert not PlanPdf.objects.exists()


def test_a_version_superseded_before_its_copies_were_rendered_keeps_none(episode, practitioner):
    first = make_approved_plan(episode, practitioner)
    approve_plan(revise_plan(first, by=practitioner), by=practitioner)
    print_ahead(first.pk)
    assert kept(first) == set()


def test_when_printing_ahead_has_not_run_the_print_renders_as_before(
    episode, practitioner, client_for
):
    plan = make_approved_plan(episode, practitioner)  # approved outside the builder
    response = client_for(practitioner).get(reverse("plan_print", args=[plan.pk, "patient", "a4"]))
    assert response.content.startswith(b"%PDF")
    assert kept(plan) == {("patient", "a4")}


@pytest.mark.django_db(transaction=True)
def test_in_a_thread_the_copies_are_stored_once_the_thread_ends(practitioner, settings):
    settings.PRINT_AHEAD_IN_THREAD = True
    episode = make_episode(practitioner=practitioner)
    plan = make_approved_plan(episode, practitioner)  # committed: the thread can read it
    thread = print_ahead(plan.pk)
    assert thread is not None
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert kept(plan) == EVERY_COPY


@pytest.mark.django_db(transaction=True)
def test_a_thread_that_fails_leaves_printing_to_the_request(practitioner, settings, monkeypatch):
    settings.PRINT_AHEAD_IN_THREAD = True
    monkeypatch.setattr("plans.render.render_pdf", must_not_render)
    plan = make_approved_plan(make_episode(practitioner=practitioner), practitioner)
    thread = print_ahead(plan.pk)
    assert thread is not None
    thread.join(timeout=60)
    assert kept(plan) == set()
