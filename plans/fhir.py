"""One episode as an HL7 FHIR R4B `Bundle` (type `collection`), built and validated with
`fhir.resources.R4B`: what a GP, the next system or the patient can read without this app.

Every code the export uses is in `CODES` (and in docs/fhir.md, which a test compares): the
standard ones (SNOMED CT, LOINC, ICD-10, HL7's own code systems) exactly as the issue that
asked for them lists them, everything else in the app's local code system `LOCAL`.
References inside the bundle are `urn:uuid:` names made from the app's own ids, so the
same episode exported twice gives the same ids.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import uuid
from typing import Any

from django.utils import timezone
from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from clinic.models import ClinicSettings, Episode, display_name
from intake.core import vocabulary
from intake.core.case import CaseError, load_case
from intake.models import related_or_none
from plans.core.assessment import assessment_document
from plans.models import PlanPdf, TreatmentPlan, working_diagnosis
from plans.visits import Visit, course_case

FHIR_VERSION = "4.3.0"  # R4B
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#: The app's own code system: a name, not an address (`.invalid` never resolves).
LOCAL = "https://sciatica-clinic.invalid/fhir/CodeSystem/sciatica-clinic"
QUESTIONNAIRE_BASE = "https://sciatica-clinic.invalid/fhir/Questionnaire/"
NAMESPACE = uuid.UUID("5b7c1f0e-3c1d-4f3a-9a57-1d2c3e4f5a6b")

# (system, code) -> display. Standard codes exactly as issue 13 lists them (checked there
# against SNOMED CT, LOINC and ICD-10); everything else is LOCAL.
CODES: dict[tuple[str, str], str] = {
    (LOINC, "97908-8"): "Oswestry Disability Index panel",
    (LOINC, "97909-6"): "Oswestry Disability Index score",
    (LOINC, "72514-3"): "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    (LOINC, "91349-1"): "Keele STarT Back Screening Tool panel",
    (LOINC, "91351-7"): "STarT Back total score",
    (LOINC, "91350-9"): "STarT Back psychosocial subscale score",
    (LOINC, "91352-5"): "STarT Back risk group",
    (SNOMED, "23056005"): "Sciatica",
    (SNOMED, "311804006"): "Lumbar disc prolapse with sciatica",
    (SNOMED, "18347007"): "Lumbar spinal stenosis",
    (SNOMED, "274152003"): "Spondylolisthesis",
    (SNOMED, "44868003"): "Acupuncture",
    (SNOMED, "231102004"): "Electroacupuncture",
    (ICD10, "G57.0"): "Lesion of sciatic nerve",
    (OBSERVATION_CATEGORY, "survey"): "Survey",
    (CONDITION_CLINICAL, "active"): "Active",
    (CONDITION_VERIFICATION, "provisional"): "Provisional",
    (CONDITION_CATEGORY, "encounter-diagnosis"): "Encounter Diagnosis",
    (CONDITION_CATEGORY, "problem-list-item"): "Problem List Item",
    (ACT_CODE, "AMB"): "ambulatory",
    (LOCAL, "sbi"): "Sciatica Bothersomeness Index total",
    (LOCAL, "konno-lss"): "Konno lumbar spinal stenosis self-report score (points)",
    (LOCAL, "cook-lss"): "Cook lumbar spinal stenosis cluster (findings positive of 5)",
    (LOCAL, "nprs-leg"): "Leg pain",
    (LOCAL, "nprs-back"): "Back pain",
    (LOCAL, "start-back-low"): "STarT Back low risk",
    (LOCAL, "start-back-medium"): "STarT Back medium risk",
    (LOCAL, "start-back-high"): "STarT Back high risk",
    (LOCAL, "deep_gluteal"): "Piriformis / deep gluteal syndrome",
    (LOCAL, "cupping"): "Cupping",
    (LOCAL, "gua_sha"): "Gua sha",
    **{(LOCAL, f"red-flag-{t.code}"): t.clinician for t in vocabulary.RED_FLAGS},
    **{(LOCAL, f"adverse-{t.code}"): t.clinician for t in vocabulary.ADVERSE_EVENTS},
}

#: The working diagnosis: its codes, most specific first.
DIAGNOSIS_CODES: dict[str, list[tuple[str, str]]] = {
    "disc_herniation": [(SNOMED, "311804006")],
    "spinal_stenosis": [(SNOMED, "18347007")],
    "spondylolisthesis": [(SNOMED, "274152003")],
    "deep_gluteal": [(ICD10, "G57.0"), (LOCAL, "deep_gluteal")],  # no SNOMED code confirmed
}
MODALITY_CODES: dict[str, tuple[str, str]] = {
    "acupuncture": (SNOMED, "44868003"),
    "electroacupuncture": (SNOMED, "231102004"),
    "cupping": (LOCAL, "cupping"),
    "gua_sha": (LOCAL, "gua_sha"),
}
VISIT_STATUS = {
    "done": "finished",
    "planned": "planned",
    "moved": "planned",
    "missed": "cancelled",
    "cancelled": "cancelled",
}


def coding(system: str, code: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": CODES[(system, code)]}


def concept(*codes: tuple[str, str], text: str = "") -> dict[str, Any]:
    result: dict[str, Any] = {"coding": [coding(s, c) for s, c in codes]}
    if text:
        result["text"] = text
    return result


def urn(kind: str, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def ref(kind: str, key: object, display: str = "") -> dict[str, str]:
    reference = {"reference": urn(kind, key)}
    if display:
        reference["display"] = display
    return reference


def instant(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat()


class _Builder:
    """Collects the bundle's resources, each validated by its R4B model as it is added."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.seen: set[str] = set()

    def add(self, model: type[Resource], kind: str, key: object, data: dict[str, Any]) -> str:
        full_url = urn(kind, key)
        if full_url not in self.seen:
            self.seen.add(full_url)
            resource = model.model_validate({"id": full_url.removeprefix("urn:uuid:"), **data})
            self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url


def _value(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str) and value:
        return {"valueString": value}
    return None


def _item_type(value: Any) -> str:
    if isinstance(value, dict):
        return "group"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "decimal"
    return "string"


def _items(answers: dict[str, Any], prefix: str = "") -> tuple[list[Any], list[Any]]:
    """The questionnaire's items and the response's, key by key (a dict is a group)."""
    questions, responses = [], []
    for key, value in answers.items():
        link_id = f"{prefix}{key}"
        question: dict[str, Any] = {
            "linkId": link_id,
            "text": key.replace("_", " "),
            "type": _item_type(value),
        }
        response: dict[str, Any] = {"linkId": link_id}
        if isinstance(value, dict):
            question["item"], response["item"] = _items(value, f"{link_id}.")
            if not question["item"]:
                continue
        elif isinstance(value, list):
            question["repeats"] = True
            response["answer"] = [a for a in map(_value, value) if a]
        else:
            one = _value(value)
            response["answer"] = [one] if one else []
        if not response.get("answer") and not response.get("item"):
            response.pop("answer", None)
        questions.append(question)
        responses.append(response)
    return questions, responses


def _questionnaire(b: _Builder, episode: Episode, name: str, title: str, answers: Any) -> str:
    questions, responses = _items(answers)
    canonical = f"{QUESTIONNAIRE_BASE}{name}"
    b.add(
        FhirQuestionnaire,
        "Questionnaire",
        name,
        {
            "url": canonical,
            "name": name.replace("-", "_"),
            "title": title,
            "status": "active",
            "subjectType": ["Patient"],
            "item": questions or None,
        },
    )
    questionnaire = related_or_none(episode, "questionnaire")
    submitted = questionnaire.submitted_at if questionnaire else None
    return b.add(
        QuestionnaireResponse,
        "QuestionnaireResponse",
        f"{episode.pk}/{name}",
        {
            "questionnaire": canonical,
            "status": "completed" if submitted else "in-progress",
            "subject": ref("Patient", episode.patient_id),
            "authored": instant(submitted) if submitted else None,
            "item": responses or None,
        },
    )


def _observation(
    b: _Builder,
    episode: Episode,
    key: str,
    code: dict[str, Any],
    value: dict[str, Any],
    derived: list[str],
    **more: Any,
) -> str:
    return b.add(
        Observation,
        "Observation",
        f"{episode.pk}/{key}",
        {
            "status": "final",
            "category": [concept((OBSERVATION_CATEGORY, "survey"))],
            "code": code,
            "subject": ref("Patient", episode.patient_id),
            "effectiveDateTime": more.pop("effective", episode.opened.isoformat()),
            "derivedFrom": [{"reference": r} for r in derived] or None,
            **value,
            **more,
        },
    )


def _nprs(
    b: _Builder,
    episode: Episode,
    key: str,
    region: str,
    score: int,
    derived: list[str],
    **more: Any,
) -> str:
    site = concept((LOCAL, f"nprs-{region}"), text=CODES[(LOCAL, f"nprs-{region}")])
    return _observation(
        b,
        episode,
        key,
        concept((LOINC, "72514-3")),
        {"valueInteger": score},
        derived,
        bodySite=site,
        **more,
    )


def _scores(
    b: _Builder, episode: Episode, scores: dict[str, Any], responses: dict[str, str]
) -> None:
    intake = [responses["intake"]] if "intake" in responses else []

    def source(name: str) -> list[str]:
        return [responses[name]] if name in responses else intake

    if scores.get("odi"):
        odi = scores["odi"]
        score = _observation(
            b,
            episode,
            "odi",
            concept((LOINC, "97909-6")),
            {
                "valueQuantity": {
                    "value": odi["percent"],
                    "unit": "%",
                    "system": "http://unitsofmeasure.org",
                    "code": "%",
                }
            },
            source("odi"),
        )
        _observation(
            b,
            episode,
            "odi-panel",
            concept((LOINC, "97908-8")),
            {},
            source("odi"),
            hasMember=[{"reference": score}],
        )
    if scores.get("start_back"):
        sb = scores["start_back"]
        members = [
            _observation(
                b,
                episode,
                "start-back-total",
                concept((LOINC, "91351-7")),
                {"valueInteger": sb["total"]},
                source("start_back"),
            ),
            _observation(
                b,
                episode,
                "start-back-psychosocial",
                concept((LOINC, "91350-9")),
                {"valueInteger": sb["psychosocial"]},
                source("start_back"),
            ),
            _observation(
                b,
                episode,
                "start-back-risk",
                concept((LOINC, "91352-5")),
                {"valueCodeableConcept": concept((LOCAL, f"start-back-{sb['risk']}"))},
                source("start_back"),
            ),
        ]
        _observation(
            b,
            episode,
            "start-back-panel",
            concept((LOINC, "91349-1")),
            {},
            source("start_back"),
            hasMember=[{"reference": m} for m in members],
        )
    if scores.get("sbi"):
        _observation(
            b,
            episode,
            "sbi",
            concept((LOCAL, "sbi")),
            {"valueInteger": scores["sbi"]["total"]},
            source("sbi"),
        )
    if scores.get("konno_lss"):
        _observation(
            b,
            episode,
            "konno-lss",
            concept((LOCAL, "konno-lss")),
            {"valueInteger": scores["konno_lss"]["points"]},
            intake,
        )
    if scores.get("cook_lss"):
        _observation(
            b,
            episode,
            "cook-lss",
            concept((LOCAL, "cook-lss")),
            {"valueInteger": scores["cook_lss"]["positive"]},
            intake,
        )
    nprs = scores.get("nprs") or {}
    for region in ("leg", "back"):
        if nprs.get(f"{region}_now") is not None:
            _nprs(b, episode, f"nprs-{region}", region, nprs[f"{region}_now"], intake)


def _practitioner(b: _Builder, user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    name = display_name(user)
    b.add(
        Practitioner,
        "Practitioner",
        user.pk,
        {
            "name": [
                {
                    "text": name,
                    "family": user.last_name or None,
                    "given": [user.first_name] if user.first_name else None,
                }
            ],
        },
    )
    return ref("Practitioner", user.pk, name)


def _provenance(
    b: _Builder, key: str, targets: list[str], at: datetime.datetime, who: Any, activity: str
) -> None:
    agent = _practitioner(b, who)
    if agent is None:
        return
    b.add(
        Provenance,
        "Provenance",
        key,
        {
            "target": [{"reference": t} for t in targets],
            "recorded": instant(at),
            "agent": [{"who": agent, "onBehalfOf": ref("Organization", "clinic")}],
            "reason": None,
            "activity": {"text": activity},
        },
    )


def _telecom(phone: str, email: str) -> list[dict[str, str]]:
    return [{"system": s, "value": v} for s, v in (("phone", phone), ("email", email)) if v]


def _patient_and_clinic(b: _Builder, episode: Episode) -> None:
    clinic = ClinicSettings.load()
    telecom = _telecom(clinic.phone, clinic.email)
    b.add(
        Organization,
        "Organization",
        "clinic",
        {
            "name": clinic.name,
            "telecom": telecom or None,
            "address": [{"text": clinic.address}] if clinic.address else None,
        },
    )
    p = episode.patient
    contact = _telecom(p.phone, p.email)
    b.add(
        FhirPatient,
        "Patient",
        p.pk,
        {
            "identifier": [{"system": f"{LOCAL}/patient", "value": str(p.pk)}],
            "name": [{"family": p.last_name, "given": [p.first_name], "text": p.full_name}],
            "birthDate": p.date_of_birth.isoformat(),
            "gender": p.sex or "unknown",
            "telecom": contact or None,
            "managingOrganization": ref("Organization", "clinic"),
        },
    )


def _conditions(b: _Builder, episode: Episode, assessment: dict[str, Any] | None) -> None:
    subject = ref("Patient", episode.patient_id)
    b.add(
        Condition,
        "Condition",
        f"{episode.pk}/complaint",
        {
            "clinicalStatus": concept((CONDITION_CLINICAL, "active")),
            "category": [concept((CONDITION_CATEGORY, "problem-list-item"))],
            "code": concept((SNOMED, "23056005"), text=episode.chief_complaint),
            "subject": subject,
            "onsetDateTime": None,
            "recordedDate": episode.opened.isoformat(),
        },
    )
    diagnosis = working_diagnosis(episode)
    if diagnosis is not None:
        key = f"{episode.pk}/diagnosis/{diagnosis.pk}"
        condition = b.add(
            Condition,
            "Condition",
            key,
            {
                "clinicalStatus": concept((CONDITION_CLINICAL, "active")),
                "verificationStatus": concept((CONDITION_VERIFICATION, "provisional")),
                "category": [concept((CONDITION_CATEGORY, "encounter-diagnosis"))],
                "code": concept(
                    *DIAGNOSIS_CODES[diagnosis.cause], text=diagnosis.get_cause_display()
                ),
                "subject": subject,
                "recordedDate": instant(diagnosis.recorded_at),
                "recorder": _practitioner(b, diagnosis.recorded_by),
                "note": [{"text": diagnosis.reason}] if diagnosis.reason else None,
            },
        )
        _provenance(
            b,
            key,
            [condition],
            diagnosis.recorded_at,
            diagnosis.recorded_by,
            "working diagnosis recorded",
        )
    for flag in (assessment or {}).get("red_flags", []):
        b.add(
            Flag,
            "Flag",
            f"{episode.pk}/{flag['code']}",
            {
                "status": "active",
                "code": concept((LOCAL, f"red-flag-{flag['code']}")),
                "subject": subject,
                "period": {"start": episode.opened.isoformat()},
            },
        )


def _activity(modality: dict[str, Any], plan: TreatmentPlan) -> dict[str, Any]:
    code = modality["code"]
    details = [f"{k.replace('_', ' ')}: {v}" for k, v in modality.items() if k != "code"]
    if code in ("acupuncture", "electroacupuncture") and plan.points:
        details.append("points: " + ", ".join(plan.points))
    timing: dict[str, Any] = {}
    if plan.visits_per_week:
        timing = {"frequency": plan.visits_per_week, "period": 1, "periodUnit": "wk"}
    if plan.total_visits:
        timing["count"] = plan.total_visits
    if plan.session_minutes:
        timing |= {"duration": plan.session_minutes, "durationUnit": "min"}
    return {
        "detail": {
            "kind": "ServiceRequest",
            "code": concept(MODALITY_CODES[code], text=vocabulary.MODALITIES.clinician(code)),
            "status": "scheduled",
            "scheduledTiming": {"repeat": timing} if timing else None,
            "description": "; ".join(details) or None,
        }
    }


def _care_plans(b: _Builder, episode: Episode, plans: list[TreatmentPlan]) -> None:
    previous: str | None = None
    for plan in sorted(plans, key=lambda p: p.version):
        if plan.kind != TreatmentPlan.Kind.PLAN or plan.approved_at is None:
            continue
        author = _practitioner(b, plan.approved_by)
        care_plan = b.add(
            CarePlan,
            "CarePlan",
            plan.pk,
            {
                "identifier": [
                    {"system": f"{LOCAL}/plan", "value": f"{episode.pk}-v{plan.version}"}
                ],
                "status": "active" if plan.status == TreatmentPlan.Status.APPROVED else "revoked",
                "intent": "plan",
                "title": f"Treatment plan, version {plan.version}",
                "subject": ref("Patient", episode.patient_id),
                "created": instant(plan.approved_at),
                "period": {"start": plan.start_date.isoformat()} if plan.start_date else None,
                "author": author,
                "basedOn": [{"reference": previous}] if previous else None,
                "replaces": [{"reference": previous}] if previous else None,
                "activity": [_activity(m, plan) for m in plan.modalities] or None,
                "note": [{"text": plan.patient_note}] if plan.patient_note else None,
            },
        )
        _provenance(
            b,
            f"plan/{plan.pk}",
            [care_plan],
            plan.approved_at,
            plan.approved_by,
            f"plan version {plan.version} approved",
        )
        previous = care_plan


def _visit(b: _Builder, episode: Episode, visit: Visit) -> None:
    r = visit.record
    who = _practitioner(b, visit.signed_by or visit.updated_by)
    encounter = b.add(
        Encounter,
        "Encounter",
        visit.pk,
        {
            "identifier": [{"system": f"{LOCAL}/visit", "value": f"{episode.pk}-{visit.number}"}],
            "status": VISIT_STATUS[visit.status],
            "class": coding(ACT_CODE, "AMB"),
            "type": [{"text": f"Visit {visit.number} of the course"}],
            "subject": ref("Patient", episode.patient_id),
            "participant": [{"individual": who}] if who else None,
            "period": {"start": visit.date.isoformat(), "end": visit.date.isoformat()},
            "serviceProvider": ref("Organization", "clinic"),
        },
    )
    if visit.status != Visit.Status.DONE:
        return
    made = [encounter]
    for modality in r.get("modalities", []):
        code = modality["code"]
        sites = [
            {"text": f"{p['point']} ({p['side']})" if p.get("side") else p["point"]}
            for p in modality.get("points", [])
        ]
        notes = [
            f"{k.replace('_', ' ')}: {v}"
            for k, v in modality.items()
            if k not in ("code", "points")
        ]
        made.append(
            b.add(
                Procedure,
                "Procedure",
                f"{visit.pk}/{code}",
                {
                    "status": "completed",
                    "code": concept(
                        MODALITY_CODES[code], text=vocabulary.MODALITIES.clinician(code)
                    ),
                    "subject": ref("Patient", episode.patient_id),
                    "encounter": {"reference": encounter},
                    "basedOn": [ref("CarePlan", visit.plan_id)],
                    "performedDateTime": visit.date.isoformat(),
                    "performer": [{"actor": who}] if who else None,
                    "bodySite": sites or None,
                    "note": [{"text": "; ".join(notes)}] if notes else None,
                },
            )
        )
    for region in ("leg", "back"):
        for when in ("before", "after"):
            key = f"{region}_pain_{when}"
            if r.get(key) is None:
                continue
            _nprs(
                b,
                episode,
                f"visit/{visit.number}/{key}",
                region,
                r[key],
                [],
                effective=visit.date.isoformat(),
                encounter={"reference": encounter},
                note=[{"text": f"{when} treatment"}],
            )
    for event in r.get("adverse_events", []):
        b.add(
            AdverseEvent,
            "AdverseEvent",
            f"{visit.pk}/{event['code']}",
            {
                "actuality": "actual",
                "event": concept((LOCAL, f"adverse-{event['code']}")),
                "subject": ref("Patient", episode.patient_id),
                "encounter": {"reference": encounter},
                "date": visit.date.isoformat(),
                "recorder": who,
                "suspectEntity": [{"instance": {"reference": m}} for m in made[1:]] or None,
            },
        )
    if visit.signed_at is not None:
        _provenance(
            b,
            f"visit/{visit.pk}",
            made,
            visit.signed_at,
            visit.signed_by,
            f"visit {visit.number} record signed",
        )


def pdf_name(pdf: PlanPdf) -> str:
    """The file name a printed PDF has in the patient's archive (and the bundle says)."""
    return f"documents/plan-v{pdf.plan.version}-{pdf.variant}-{pdf.paper}.pdf"


def _documents(b: _Builder, episode: Episode, pdfs: list[PlanPdf]) -> None:
    for pdf in pdfs:
        related = [ref("CarePlan", pdf.plan_id)] if pdf.plan.kind == TreatmentPlan.Kind.PLAN else []
        b.add(
            DocumentReference,
            "DocumentReference",
            pdf.pk,
            {
                "status": "current",
                "type": {"text": pdf.get_variant_display()},
                "subject": ref("Patient", episode.patient_id),
                "date": instant(pdf.rendered_at),
                "context": {"related": related} if related else None,
                "content": [{"attachment": _attachment(pdf)}],
            },
        )


def _attachment(pdf: PlanPdf) -> dict[str, Any]:
    content = bytes(pdf.content)
    # FHIR defines an attachment's hash as SHA-1: an identity check, not a seal.
    sha1 = hashlib.sha1(content).digest()  # noqa: S324
    return {
        "contentType": "application/pdf",
        "url": pdf_name(pdf),
        "size": len(content),
        "hash": base64.b64encode(sha1).decode(),
        "title": f"{pdf.get_variant_display()}, plan version {pdf.plan.version}",
    }


def episode_bundle(episode: Episode) -> Bundle:
    """The episode as a validated R4B `Bundle` of type `collection`."""
    b = _Builder()
    _patient_and_clinic(b, episode)
    if episode.practitioner is not None:
        _practitioner(b, episode.practitioner)
    document = course_case(episode)
    responses: dict[str, str] = {}
    questionnaire = related_or_none(episode, "questionnaire")
    answers = questionnaire.answers if questionnaire else {}
    intake_answers = {k: v for k, v in answers.items() if k != "questionnaires"}
    if questionnaire is not None and questionnaire.extra:
        intake_answers["more"] = questionnaire.extra  # goals, medications, consent, ...
    if intake_answers:
        responses["intake"] = _questionnaire(
            b, episode, "intake", "Pre-visit questionnaire", intake_answers
        )
    for name, items in (answers.get("questionnaires") or {}).items():
        responses[name] = _questionnaire(b, episode, name.replace("_", "-"), name.upper(), items)
    try:
        assessment: dict[str, Any] | None = assessment_document(load_case(document))
    except CaseError:
        assessment = None  # not assessable yet: the answers go out, no scores
    if assessment is not None:
        _scores(b, episode, assessment["scores"], responses)
    _conditions(b, episode, assessment)
    plans = list(episode.plans.select_related("approved_by"))
    _care_plans(b, episode, plans)
    for visit in episode.visits.select_related("signed_by", "updated_by"):
        _visit(b, episode, visit)
    pdfs = PlanPdf.objects.filter(plan__episode=episode).select_related("plan").order_by("pk")
    _documents(b, episode, list(pdfs))
    return Bundle.model_validate(
        {
            "id": str(uuid.uuid5(NAMESPACE, f"Bundle/{episode.pk}")),
            "type": "collection",
            "timestamp": instant(timezone.now()),
            "identifier": {"system": f"{LOCAL}/episode", "value": str(episode.pk)},
            "entry": b.entries,
        }
    )


def episode_json(episode: Episode) -> str:
    return episode_bundle(episode).model_dump_json(indent=2)
