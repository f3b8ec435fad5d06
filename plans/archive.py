"""The patient's own copy of their record: one ZIP with an index page listing every file.

For each episode: its FHIR bundle, its case file, every printed plan or letter kept, and
every file the patient uploaded (under a safe name: the patient's own file name is data,
never a path). `index.html` says what each file is, so it opens on any computer.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from clinic.models import ClinicSettings, Episode, Patient
from intake.models import Upload
from plans.fhir import episode_json, pdf_name
from plans.models import PlanPdf
from plans.visits import course_case


@dataclass(frozen=True)
class Entry:
    name: str
    what: str
    size: int


def safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return cleaned[:80] or "file"


def _episode_files(episode: Episode) -> list[tuple[str, str, bytes]]:
    folder = f"episode-{episode.pk}"
    files = [
        (f"{folder}/fhir-bundle.json", "The whole episode as an HL7 FHIR R4B bundle: "
         "answers, scores, diagnosis, plans, visits and treatments, coded",
         episode_json(episode).encode()),
        (f"{folder}/case.json", "The episode's case file (sciatica-case/1): the answers, "
         "the examination and the course of visits",
         json.dumps(course_case(episode), indent=2, ensure_ascii=False).encode()),
    ]  # fmt: skip
    for pdf in PlanPdf.objects.filter(plan__episode=episode).select_related("plan").order_by("pk"):
        files.append((f"{folder}/{pdf_name(pdf)}",
                      f"{pdf.get_variant_display()}, plan version {pdf.plan.version} (PDF)",
                      bytes(pdf.content)))  # fmt: skip
    uploads = Upload.objects.filter(questionnaire__episode=episode).order_by("pk")
    for upload in uploads:
        with upload.file.open("rb") as stream:
            data = stream.read()
        name = f"{folder}/uploads/{upload.pk}-{safe_name(upload.original_name)}"
        files.append((name, f"A file you sent us: {upload.original_name}", data))
    return files


def patient_archive(patient: Patient) -> bytes:
    """The ZIP's bytes; `index.html` first, listing every other file in it."""
    episodes = list(patient.episodes.order_by("opened", "pk"))
    files: list[tuple[str, str, bytes]] = []
    for episode in episodes:
        files += _episode_files(episode)
    entries = [Entry(name, what, len(data)) for name, what, data in files]
    index = render_to_string("plans/record_index.html", {
        "patient": patient, "episodes": episodes, "entries": entries,
        "clinic": ClinicSettings.load(), "made_at": timezone.localtime(),
        "has_pdfs": any("/documents/" in e.name for e in entries),
        "has_uploads": any("/uploads/" in e.name for e in entries),
    })  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index)
        for name, _, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
