"""Data that leaves: an episode as FHIR R4B, its case file, and the patient's own copy."""

import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from clinic.models import AuditEvent, Episode, Patient
from intake.core.case import load_case
from intake.models import Questionnaire, Upload
from plans import fhir
from plans.models import approve_plan, revise_plan
from plans.pdf import plan_pdf
from plans.visits import Visit, course_case
from tests.builders import make_episode, make_patient
from tests.plans.builders import make_approved_plan, make_diagnosis, make_exam, make_visits

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "fhir.md"


def load_demo(settings) -> None:
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def parsed(episode: Episode) -> Bundle:
    """The export as a receiving system reads it: the JSON text, parsed by the R4B models."""
    return Bundle.model_validate_json(fhir.episode_json(episode))


def resources(bundle: Bundle, kind: str) -> list:
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == kind]


def by_url(bundle: Bundle) -> dict:
    return {e.fullUrl: e.resource for e in bundle.entry}


def codes(concept) -> set[tuple[str, str]]:
    return {(c.system, c.code) for c in concept.coding or []}


def every_coding(value) -> list[tuple[str, str]]:
    """Every (system, code) anywhere in a resource's JSON."""
    found = []
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            found.append((value["system"], value["code"]))
        for item in value.values():
            found += every_coding(item)
    elif isinstance(value, list):
        for item in value:
            found += every_coding(item)
    return found


def every_reference(value) -> list[str]:
    found = []
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            found.append(value["reference"])
        for item in value.values():
            found += every_reference(item)
    elif isinstance(value, list):
        for item in value:
            found += every_reference(item)
    return found


def test_every_demo_bundle_parses_back_and_every_reference_and_code_is_known(settings):
    load_demo(settings)
    for episode in Episode.objects.all():
        text = fhir.episode_json(episode)
        bundle = Bundle.model_validate_json(text)
        assert bundle.type == "collection"
        raw = json.loads(text)
        urls = {e["fullUrl"] for e in raw["entry"]}
        assert set(every_reference(raw)) <= urls, episode
        questionnaire_urls = {e["resource"].get("url") for e in raw["entry"]}
        for entry in raw["entry"]:
            if entry["resource"]["resourceType"] == "QuestionnaireResponse":
                assert entry["resource"]["questionnaire"] in questionnaire_urls
        unknown = {c for c in every_coding(raw) if c[0] != "http://unitsofmeasure.org"}
        assert unknown <= set(fhir.CODES), unknown - set(fhir.CODES)


def test_the_mid_course_patient_has_every_visit_as_an_encounter_with_its_procedures(settings):
    load_demo(settings)
    episode = Episode.objects.get(patient__last_name="Osei")
    bundle = parsed(episode)
    urls = by_url(bundle)
    encounters = {e.identifier[0].value: e for e in resources(bundle, "Encounter")}
    visits = list(episode.visits.all())
    assert len(visits) == 5
    assert set(encounters) == {f"{episode.pk}-{v.number}" for v in visits}
    procedures = resources(bundle, "Procedure")
    for visit in visits:
        encounter = encounters[f"{episode.pk}-{visit.number}"]
        assert encounter.status == "finished"
        assert encounter.period.start.isoformat() == visit.date.isoformat()
        url = fhir.urn("Encounter", visit.pk)
        done_here = [p for p in procedures if p.encounter.reference == url]
        assert [codes(p.code) for p in done_here] == [
            {fhir.MODALITY_CODES[m["code"]]} for m in visit.record["modalities"]
        ]
        acupuncture = done_here[0]
        assert acupuncture.bodySite[0].text == "EX-B2 (Huatuojiaji L4-S1) (right)"
        assert urls[acupuncture.basedOn[0].reference].get_resource_type() == "CarePlan"
        assert urls[acupuncture.subject.reference].name[0].family == "Osei"


def test_the_scores_are_survey_observations_with_their_loinc_codes_derived_from_the_answers(
    settings,
):
    load_demo(settings)
    bundle = parsed(Episode.objects.get(patient__last_name="Osei"))
    urls = by_url(bundle)
    observations = resources(bundle, "Observation")
    odi = next(o for o in observations if codes(o.code) == {(fhir.LOINC, "97909-6")})
    assert float(odi.valueQuantity.value) == pytest.approx(46.7)
    assert codes(odi.category[0]) == {(fhir.OBSERVATION_CATEGORY, "survey")}
    response = urls[odi.derivedFrom[0].reference]
    assert response.get_resource_type() == "QuestionnaireResponse"
    assert response.questionnaire.endswith("/odi")
    assert {i.linkId for i in response.item} >= {"pain_intensity", "lifting"}
    panel = next(o for o in observations if codes(o.code) == {(fhir.LOINC, "97908-8")})
    assert [m.reference for m in panel.hasMember] == [f"urn:uuid:{odi.id}"]
    at_intake = [o for o in observations if codes(o.code) == {(fhir.LOINC, "72514-3")}
                 and o.encounter is None]  # fmt: skip
    sites = {o.bodySite.text: o.valueInteger for o in at_intake}
    assert sites == {"Leg pain": 6, "Back pain": 3}
    konno = next(o for o in observations if codes(o.code) == {(fhir.LOCAL, "konno-lss")})
    assert konno.valueInteger == -1


def with_questionnaires(**questionnaires) -> Episode:
    episode = make_episode()
    Questionnaire.objects.create(episode=episode, answers={"questionnaires": questionnaires})
    make_exam(episode)
    return episode


def test_start_back_and_sbi_are_coded_as_loinc_and_local_codes():
    start_back = {str(n): n in (5, 6, 7, 8) for n in range(1, 9)} | {"9": "slightly"}
    sbi = dict.fromkeys(("leg_pain", "numbness_tingling", "weakness", "pain_while_sitting"), 3)
    bundle = parsed(with_questionnaires(start_back=start_back, sbi=sbi))
    values = {}
    for o in resources(bundle, "Observation"):
        (code,) = codes(o.code)
        values[code[1]] = o
    assert values["91351-7"].valueInteger == 4
    assert values["91350-9"].valueInteger == 4
    assert codes(values["91352-5"].valueCodeableConcept) == {(fhir.LOCAL, "start-back-high")}
    assert {m.reference for m in values["91349-1"].hasMember} == {
        f"urn:uuid:{values[c].id}" for c in ("91351-7", "91350-9", "91352-5")
    }
    assert values["sbi"].valueInteger == 12
    assert values["sbi"].code.coding[0].system == fhir.LOCAL


DIAGNOSES = [
    ("a disc herniation is coded in SNOMED CT", "disc_herniation",
     {(fhir.SNOMED, "311804006")}),
    ("stenosis", "spinal_stenosis", {(fhir.SNOMED, "18347007")}),
    ("spondylolisthesis", "spondylolisthesis", {(fhir.SNOMED, "274152003")}),
    ("piriformis has no confirmed SNOMED code: ICD-10 and the local code", "deep_gluteal",
     {(fhir.ICD10, "G57.0"), (fhir.LOCAL, "deep_gluteal")}),
]  # fmt: skip


@pytest.mark.parametrize(("scenario", "cause", "expected"), DIAGNOSES)
def test_the_working_diagnosis_is_a_condition_with_its_codes(practitioner, scenario, cause,
                                                              expected):  # fmt: skip
    episode = make_episode()
    make_diagnosis(episode, practitioner, cause=cause)
    bundle = parsed(episode)
    conditions = {c.category[0].coding[0].code: c for c in resources(bundle, "Condition")}
    assert codes(conditions["encounter-diagnosis"].code) == expected, scenario
    assert codes(conditions["problem-list-item"].code) == {(fhir.SNOMED, "23056005")}
    provenance = resources(bundle, "Provenance")[0]
    assert provenance.target[0].reference == f"urn:uuid:{conditions['encounter-diagnosis'].id}"


def test_a_red_flag_is_a_flag(settings):
    load_demo(settings)
    bundle = parsed(Episode.objects.get(patient__last_name="Solberg"))
    (flag,) = resources(bundle, "Flag")
    assert codes(flag.code) == {(fhir.LOCAL, "red-flag-cauda_equina")}


def test_each_approved_plan_version_is_a_care_plan_based_on_the_one_before(practitioner):
    episode = make_episode()
    first = make_approved_plan(episode, practitioner)
    second = approve_plan(revise_plan(first, by=practitioner), by=practitioner)
    revise_plan(second, by=practitioner)  # a draft: not exported
    plans = {p.title: p for p in resources(parsed(episode), "CarePlan")}
    assert set(plans) == {"Treatment plan, version 1", "Treatment plan, version 2"}
    old, new = plans["Treatment plan, version 1"], plans["Treatment plan, version 2"]
    assert (old.status, new.status) == ("revoked", "active")
    assert new.basedOn[0].reference == f"urn:uuid:{old.id}"
    assert old.basedOn is None
    activity = {codes(a.detail.code).pop(): a.detail for a in new.activity}
    assert set(activity) >= {(fhir.SNOMED, "44868003")}
    timing = next(iter(activity.values())).scheduledTiming.repeat
    assert (timing.frequency, timing.periodUnit, timing.count) == (
        new_plan_field(second, "visits_per_week"),
        "wk",
        second.total_visits,
    )


def new_plan_field(plan, name):
    return getattr(plan, name)


def test_an_adverse_event_points_at_its_visit_and_treatment(practitioner):
    episode = make_episode()
    make_approved_plan(episode, practitioner)
    (visit,) = make_visits(episode, practitioner, 5)
    Visit.objects.filter(pk=visit.pk).update(
        record={**visit.record, "adverse_events": [{"code": "bruising", "action": "reassured"}]}
    )
    bundle = parsed(episode)
    (event,) = resources(bundle, "AdverseEvent")
    assert codes(event.event) == {(fhir.LOCAL, "adverse-bruising")}
    assert event.encounter.reference == fhir.urn("Encounter", visit.pk)
    assert event.suspectEntity[0].instance.reference == fhir.urn(
        "Procedure", f"{visit.pk}/acupuncture"
    )


def test_a_visit_not_attended_is_a_cancelled_encounter_without_procedures(practitioner):
    episode = make_episode()
    make_approved_plan(episode, practitioner)
    (visit,) = make_visits(episode, practitioner, 5)
    Visit.objects.filter(pk=visit.pk).update(status="missed")
    bundle = parsed(episode)
    assert [e.status for e in resources(bundle, "Encounter")] == ["cancelled"]
    assert resources(bundle, "Procedure") == []


def test_a_printed_pdf_is_a_document_reference_named_as_in_the_archive(practitioner):
    episode = make_episode()
    plan = make_approved_plan(episode, practitioner)
    content = plan_pdf(plan, "patient", "a4")
    (document,) = resources(parsed(episode), "DocumentReference")
    attachment = document.content[0].attachment
    assert attachment.url == "documents/plan-v1-patient-a4.pdf"
    assert (attachment.contentType, attachment.size) == ("application/pdf", len(content))


# --- downloads ----------------------------------------------------------------------------

DOWNLOADS = ["episode_fhir", "episode_case_file", "patient_record"]


def url_for(name: str, episode: Episode) -> str:
    pk = episode.patient_id if name == "patient_record" else episode.pk
    return reverse(name, args=[pk])


@pytest.mark.parametrize("name", DOWNLOADS)
@pytest.mark.parametrize(("who", "status"), [
    ("anonymous: sent to sign in", 302),
    ("front desk: not clinical", 403),
    ("practitioner", 200),
])  # fmt: skip
def test_who_may_download(client_for, practitioner, front_desk, name, who, status):
    user = {"anonymous": None, "front desk": front_desk, "practitioner": practitioner}[
        who.split(":")[0]
    ]
    episode = make_episode()
    response = client_for(user).get(url_for(name, episode))
    assert response.status_code == status
    exports = AuditEvent.objects.filter(action="export", patient=episode.patient)
    assert exports.count() == (1 if status == 200 else 0)
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")


def test_the_episode_page_offers_the_exports_to_practitioners_only(client_for, practitioner,
                                                                    front_desk):  # fmt: skip
    episode = make_episode()
    fhir_url = reverse("episode_fhir", args=[episode.pk])
    assert fhir_url in client_for(practitioner).get(episode.get_absolute_url()).text
    assert fhir_url not in client_for(front_desk).get(episode.get_absolute_url()).text
    record = reverse("patient_record", args=[episode.patient_id])
    assert record in client_for(practitioner).get(episode.patient.get_absolute_url()).text


def test_the_case_file_is_what_assess_reads(settings, client_for, practitioner, tmp_path):
    load_demo(settings)
    episode = Episode.objects.get(patient__last_name="Osei")
    response = client_for(practitioner).get(reverse("episode_case_file", args=[episode.pk]))
    document = json.loads(response.content)
    assert document == json.loads(json.dumps(course_case(episode)))
    assert len(document["course"]["visits"]) == 5
    load_case(document)
    path = tmp_path / "case.json"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("assess", str(path), stdout=out)
    assert json.loads(out.getvalue())["disposition"] == "treat"


def test_export_fhir_writes_the_bundle_and_records_the_export(settings, tmp_path):
    load_demo(settings)
    episode = Episode.objects.get(patient__last_name="Osei")
    out = io.StringIO()
    call_command("export_fhir", str(episode.pk), stdout=out)
    assert Bundle.model_validate_json(out.getvalue()).type == "collection"
    target = tmp_path / "osei.json"
    call_command("export_fhir", str(episode.pk), "--output", str(target))
    assert Bundle.model_validate_json(target.read_text()).entry
    events = AuditEvent.objects.filter(action="export", patient=episode.patient)
    assert events.count() == 2
    assert "command line" in events.first().username
    with pytest.raises(CommandError, match="no episode 999"):
        call_command("export_fhir", "999")


# --- the patient's copy -------------------------------------------------------------------


def test_the_patients_copy_lists_every_file_and_holds_nobody_elses_data(
    settings, client_for, practitioner, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    load_demo(settings)
    osei = Patient.objects.get(last_name="Osei")
    episode = osei.episodes.get()
    plan = episode.plans.get()
    plan_pdf(plan, "patient", "a4")
    Upload.objects.create(
        questionnaire=episode.questionnaire, file=ContentFile(b"MRI: L4/5 disc", name="x"),
        original_name="../MRI report.txt", content_type="text/plain", size=14,
    )  # fmt: skip
    other = Patient.objects.get(last_name="Adeyemi")
    plan_pdf(other.episodes.get().plans.get(), "patient", "a4")

    response = client_for(practitioner).get(reverse("patient_record", args=[osei.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[0] == "index.html"
    folder = f"episode-{episode.pk}"
    assert set(names[1:]) == {
        f"{folder}/fhir-bundle.json",
        f"{folder}/case.json",
        f"{folder}/documents/plan-v1-patient-a4.pdf",
        f"{folder}/uploads/{Upload.objects.get().pk}-MRI-report.txt",
    }
    index = archive.read("index.html").decode()
    for name in names[1:]:
        assert f"<code>{name}</code>" in index
    assert "Daniel Osei" in index
    assert "The PDFs are the plans and letters" in index
    assert "those you sent us" in index
    strangers = Patient.objects.exclude(pk=osei.pk)
    for name in names:
        text = archive.read(name).decode("latin-1")
        for stranger in strangers:
            assert stranger.last_name not in text, (name, stranger)
            assert fhir.urn("Patient", stranger.pk) not in text
    bundle = Bundle.model_validate_json(archive.read(f"{folder}/fhir-bundle.json"))
    assert (
        Counter(r.get_resource_type() for r in (e.resource for e in bundle.entry))["Encounter"] == 5
    )


def test_a_patient_with_no_episode_gets_an_index_that_says_so(client_for, practitioner):
    patient = make_patient()
    response = client_for(practitioner).get(reverse("patient_record", args=[patient.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["index.html"]
    index = archive.read("index.html").decode()
    assert "No episode of care has been opened." in index
    assert "PDF" not in index


# --- the documentation --------------------------------------------------------------------


def test_docs_fhir_lists_exactly_the_codes_the_export_uses():
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", DOC.read_text(), flags=re.M)
    systems = {"SNOMED CT": fhir.SNOMED, "LOINC": fhir.LOINC, "ICD-10": fhir.ICD10,
               "local": fhir.LOCAL}  # fmt: skip
    listed = {(systems.get(system, system), code) for system, code in rows}
    assert listed == set(fhir.CODES)


def test_the_answers_the_case_format_has_no_field_for_go_out_too():
    episode = make_episode()
    Questionnaire.objects.create(
        episode=episode,
        answers={"history": {"side": "left"}},
        extra={"goals": "Walk the dog again", "pain_map": ["buttock_left", "calf_left"]},
    )
    (response,) = resources(parsed(episode), "QuestionnaireResponse")
    items = {i.linkId: i for i in response.item}
    assert items["history"].item[0].answer[0].valueString == "left"
    more = {i.linkId: i for i in items["more"].item}
    assert more["more.goals"].answer[0].valueString == "Walk the dog again"
    assert [a.valueString for a in more["more.pain_map"].answer] == ["buttock_left", "calf_left"]
    assert response.status == "in-progress"
