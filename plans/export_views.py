"""Data that leaves the clinic: an episode as FHIR, its case file, the patient's own copy.

Each download is one audit event of kind "export", written before the file is sent.
Practitioners only: every one of these holds the clinical record. The FHIR library (a
third of a second to import) is imported by the first export, not with the URLs.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic import audit
from clinic.models import Episode, Patient
from plans.visits import course_case

CLINICAL = "clinic.record_clinical"


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _episode(pk: int) -> Episode:
    return get_object_or_404(Episode.objects.select_related("patient", "practitioner"), pk=pk)


@require_GET
@permission_required(CLINICAL, raise_exception=True)
def episode_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    from plans.fhir import episode_json

    episode = _episode(pk)
    content = episode_json(episode)
    audit.record(request, "export", episode, detail="FHIR R4B bundle")
    return _download(content, f"episode-{episode.pk}-fhir.json", "application/fhir+json")


@require_GET
@permission_required(CLINICAL, raise_exception=True)
def episode_case_file(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(pk)
    content = json.dumps(course_case(episode), indent=2, ensure_ascii=False)
    audit.record(request, "export", episode, detail="case file (sciatica-case/1)")
    return _download(content, f"episode-{episode.pk}-case.json", "application/json")


@require_GET
@permission_required(CLINICAL, raise_exception=True)
def patient_record(request: HttpRequest, pk: int) -> HttpResponse:
    from plans.archive import patient_archive

    patient = get_object_or_404(Patient, pk=pk)
    content = patient_archive(patient)
    audit.record(request, "export", patient, detail="the patient's copy of their record (ZIP)")
    day = timezone.localdate().isoformat()
    return _download(content, f"record-{patient.pk}-{day}.zip", "application/zip")
