"""The treatment record of one visit (STRICTA, MacPherson 2010), and the forms beside it.

The record is kept as one JSON document (`Visit.record`); `VisitForm.record()` builds it
and `VisitForm.initial_from()` reads it back, so "same as last visit" is the previous
record read into a new form. The checks are the plan builder's: an excluded modality
needs a reason (`excluded_without_reason`), electroacupuncture keeps its limits
(`plan_problems`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from intake.core import vocabulary
from plans.core.propose import (
    MAX_VISIT_MINUTES,
    WITHIN_THE_SESSION,
    plan_problems,
    visit_problems,
)
from plans.forms import AREA_WIDGET
from plans.models import MODALITY_NAMES, TreatmentPlan, excluded_without_reason

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NPRS = [("", "–")] + [(str(n), str(n)) for n in range(11)]
POINT_SIDES = (("both", "both sides"), ("left", "left"), ("right", "right"), ("midline", "midline"))
ODI_CHOICES = [("", "–")] + [(str(n), str(n)) for n in range(6)]
SBI_CHOICES = [("", "–")] + [(str(n), str(n)) for n in range(7)]


def _optional_int(choices: list[tuple[str, str]], label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, empty_value=None, required=False
    )


def parse_points(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """ "BL23 both", "GB30 right", one per line -> [{"point", "side"}]; and the problems.

    The side is the line's last word when it is one (both sides when none is given); the
    point is the rest, as written ("EX-B2 (Huatuojiaji L4-S1)"). Each point once.
    """
    points: list[dict[str, str]] = []
    problems = []
    seen = set()
    sides = dict(POINT_SIDES)
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        name, _, last = line.rpartition(" ")
        if last.lower() in sides and name.strip():
            point, side = name.strip(), last.lower()
        else:
            point, side = line, "both"
        key = " ".join(point.upper().split())
        if key in seen:
            problems.append(f"{point} is listed twice: give each point once.")
            continue
        seen.add(key)
        points.append({"point": point, "side": side})
    return points, problems


class VisitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    # The red flags, asked again: tick any answered yes, or confirm all are no.
    red_flags_none = forms.BooleanField(label="Asked: all no", required=False)
    red_flags_yes = forms.MultipleChoiceField(
        label="Answered yes",
        choices=vocabulary.RED_FLAG_QUESTIONS.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    position = forms.ChoiceField(label="Position", choices=vocabulary.POSITIONS.choices())
    modalities = forms.MultipleChoiceField(
        label="Given today",
        choices=vocabulary.MODALITIES.choices(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick what was given today."},
    )
    points = forms.CharField(
        label="Points and side (one per line: BL23 both, GB30 right)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    needles = forms.IntegerField(label="Needles", min_value=0, max_value=60, required=False)
    retention_minutes = forms.IntegerField(
        label="Retention (minutes)", min_value=0, max_value=60, required=False
    )
    de_qi = forms.BooleanField(label="De qi sought", required=False)
    ea_pairs = forms.CharField(
        label="Electroacupuncture pairs (BL25-BL40, GB30-GB34)", max_length=200, required=False
    )
    ea_frequency_hz = forms.IntegerField(label="Frequency (Hz)", required=False)
    ea_waveform = forms.ChoiceField(
        label="Waveform", choices=vocabulary.WAVEFORMS.choices(), required=False
    )
    ea_minutes = forms.IntegerField(label="EA minutes", required=False)
    cupping_method = forms.ChoiceField(
        label="Cupping method", choices=vocabulary.CUPPING_METHODS.choices(), required=False
    )
    cupping_area = forms.CharField(
        label="Cupping area", max_length=200, required=False, widget=AREA_WIDGET
    )
    cupping_minutes = forms.IntegerField(
        label="Cupping minutes", min_value=0, max_value=30, required=False
    )
    gua_sha_area = forms.CharField(
        label="Gua sha area", max_length=200, required=False, widget=AREA_WIDGET
    )
    session_minutes = forms.IntegerField(
        label="Session in all (minutes)",
        min_value=1,
        widget=forms.NumberInput({"min": 1, "max": MAX_VISIT_MINUTES}),
    )
    leg_pain_before = _optional_int(NPRS, "Leg pain before (0-10)")
    leg_pain_after = _optional_int(NPRS, "Leg pain after")
    back_pain_before = _optional_int(NPRS, "Back pain before")
    back_pain_after = _optional_int(NPRS, "Back pain after")
    adverse_events = forms.MultipleChoiceField(
        label="Adverse events",
        choices=vocabulary.ADVERSE_EVENTS.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adverse_action = forms.CharField(
        label="What was done about them", max_length=500, required=False
    )
    adherence = forms.ChoiceField(
        label="Home exercises since the last visit",
        choices=[("", "–"), *vocabulary.ADHERENCE.choices()],
        required=False,
    )
    subjective = forms.CharField(label="S", required=False, widget=forms.Textarea({"rows": 2}))
    objective = forms.CharField(label="O", required=False, widget=forms.Textarea({"rows": 2}))
    assessment = forms.CharField(label="A", required=False, widget=forms.Textarea({"rows": 2}))
    plan_note = forms.CharField(label="P", required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(
        self,
        *args: Any,
        assessment_doc: dict[str, Any],
        plan: TreatmentPlan,
        remeasure: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assessment_doc = assessment_doc
        self.plan = plan
        self.remeasure = remeasure
        self.excluded_codes = [
            e["modality"] for e in (assessment_doc.get("plan") or {}).get("excluded", [])
        ]
        for code in self.excluded_codes:
            self.fields[f"override_{code}"] = forms.CharField(
                label=f"Reason to give {MODALITY_NAMES[code].lower()} anyway",
                required=False,
                max_length=500,
                initial=plan.overrides.get(code, ""),
            )
        if remeasure:
            for code, term in zip(
                vocabulary.ODI_SECTIONS.codes, vocabulary.ODI_SECTIONS, strict=True
            ):
                self.fields[f"odi_{code}"] = _optional_int(ODI_CHOICES, f"ODI: {term.clinician}")
            for code, term in zip(vocabulary.SBI_ITEMS.codes, vocabulary.SBI_ITEMS, strict=True):
                self.fields[f"sbi_{code}"] = _optional_int(SBI_CHOICES, f"SBI: {term.clinician}")
            self.fields["global_change"] = forms.ChoiceField(
                label="Global impression of change",
                choices=[("", "–"), *vocabulary.GLOBAL_CHANGES.choices()],
                required=False,
            )

    @property
    def override_fields(self) -> list[forms.BoundField]:
        return [self[f"override_{code}"] for code in self.excluded_codes]

    @property
    def remeasure_fields(self) -> list[forms.BoundField]:
        names = [n for n in self.fields if n.startswith(("odi_", "sbi_"))]
        return [self[n] for n in names] + ([self["global_change"]] if self.remeasure else [])

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(
                "A visit is recorded once it has happened: the date cannot be after today."
            )
        return date

    @property
    def red_flags_answered_yes(self) -> list[str]:
        return list(self.cleaned_data.get("red_flags_yes") or [])

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        yes = c.get("red_flags_yes") or []
        if not yes and not c.get("red_flags_none"):
            self.add_error("red_flags_none", "Ask the red-flag questions: all no, or tick a yes.")
        if yes and c.get("red_flags_none"):
            self.add_error("red_flags_none", "Some are ticked yes: untick 'all no'.")
        chosen = c.get("modalities") or []
        overrides = {code: c.get(f"override_{code}", "") for code in self.excluded_codes}
        for message in excluded_without_reason(chosen, self.assessment_doc, overrides):
            self.add_error("modalities", message + " Untick it, or give your reason below.")
        points, problems = parse_points(c.get("points", ""))
        for problem in problems:
            self.add_error("points", problem)
        c["point_list"] = points
        if "electroacupuncture" in chosen:
            ea = {"frequency_hz": c.get("ea_frequency_hz"), "minutes": c.get("ea_minutes")}
            for field, message in plan_problems(
                session_minutes=c.get("session_minutes"),
                visits_per_week=None,
                total_visits=None,
                electroacupuncture=ea,
            ):
                self.add_error(field, message)
        given = {code: c.get(WITHIN_THE_SESSION[code][0]) for code in WITHIN_THE_SESSION}
        for field, message in visit_problems(
            session_minutes=c.get("session_minutes"),
            given={code: minutes for code, minutes in given.items() if code in chosen},
        ):
            self.add_error(field, message)
        if c.get("adverse_events") and not c.get("adverse_action", "").strip():
            self.add_error("adverse_action", "Say what was done about the adverse events.")
        return c

    def record(self) -> dict[str, Any]:
        """The treatment record as stored: only what was given is kept."""
        c = self.cleaned_data
        chosen = c["modalities"]
        given: list[dict[str, Any]] = []
        if "acupuncture" in chosen:
            given.append({"code": "acupuncture", "points": c["point_list"],
                          "needles": c.get("needles"),
                          "retention_minutes": c.get("retention_minutes"),
                          "de_qi": c.get("de_qi", False)})  # fmt: skip
        if "electroacupuncture" in chosen:
            pairs = [p.strip().upper() for p in c.get("ea_pairs", "").split(",") if p.strip()]
            given.append({"code": "electroacupuncture", "pairs": pairs,
                          "frequency_hz": c.get("ea_frequency_hz"),
                          "waveform": c.get("ea_waveform"),
                          "minutes": c.get("ea_minutes")})  # fmt: skip
        if "cupping" in chosen:
            given.append({"code": "cupping", "method": c.get("cupping_method"),
                          "area": c.get("cupping_area"),
                          "minutes": c.get("cupping_minutes")})  # fmt: skip
        if "gua_sha" in chosen:
            given.append({"code": "gua_sha", "area": c.get("gua_sha_area")})
        action = c.get("adverse_action", "").strip()
        record: dict[str, Any] = {
            "position": c["position"],
            "modalities": given,
            "overrides": {
                code: c[f"override_{code}"].strip()
                for code in self.excluded_codes
                if code in chosen and c.get(f"override_{code}", "").strip()
            },
            "session_minutes": c["session_minutes"],
            "adverse_events": [{"code": e, "action": action} for e in c["adverse_events"]],
            "adherence": c.get("adherence") or None,
            "soap": {
                k: c.get(f, "").strip()
                for k, f in (
                    ("s", "subjective"),
                    ("o", "objective"),
                    ("a", "assessment"),
                    ("p", "plan_note"),
                )
            },  # fmt: skip
            "red_flags": {
                code: code in c["red_flags_yes"] for code in vocabulary.RED_FLAG_QUESTIONS.codes
            },  # fmt: skip
        }
        for key in ("leg_pain_before", "leg_pain_after", "back_pain_before", "back_pain_after"):
            if c.get(key) is not None:
                record[key] = c[key]
        return record

    def measures(self) -> dict[str, Any]:
        """The outcomes re-measured at this visit (case format: course.measures[])."""
        if not self.remeasure:
            return {}
        c = self.cleaned_data
        odi = {
            s: c[f"odi_{s}"] for s in vocabulary.ODI_SECTIONS.codes if c.get(f"odi_{s}") is not None
        }
        sbi = {
            s: c[f"sbi_{s}"] for s in vocabulary.SBI_ITEMS.codes if c.get(f"sbi_{s}") is not None
        }
        found: dict[str, Any] = {}
        if c.get("leg_pain_before") is not None:
            found["leg_pain_now"] = c["leg_pain_before"]
        if c.get("back_pain_before") is not None:
            found["back_pain_now"] = c["back_pain_before"]
        questionnaires = {k: v for k, v in (("odi", odi), ("sbi", sbi)) if v}
        if questionnaires:
            found["questionnaires"] = questionnaires
        if c.get("global_change"):
            found["global_change"] = c["global_change"]
        return found

    @staticmethod
    def initial_from(record: dict[str, Any], measures: dict[str, Any]) -> dict[str, Any]:
        """The form's fields from a stored record (this visit's, or the last one's)."""
        initial: dict[str, Any] = {
            "position": record.get("position"),
            "session_minutes": record.get("session_minutes"),
            "modalities": [m["code"] for m in record.get("modalities", [])],
            "adverse_events": [e["code"] for e in record.get("adverse_events", [])],
            "adverse_action": next((e["action"] for e in record.get("adverse_events", [])), ""),
            "adherence": record.get("adherence") or "",
        }
        for key in ("leg_pain_before", "leg_pain_after", "back_pain_before", "back_pain_after"):
            initial[key] = record.get(key)
        soap = record.get("soap", {})
        for key, field in (("s", "subjective"), ("o", "objective"), ("a", "assessment"),
                           ("p", "plan_note")):  # fmt: skip
            initial[field] = soap.get(key, "")
        for given in record.get("modalities", []):
            code = given["code"]
            if code == "acupuncture":
                initial["points"] = "\n".join(
                    f"{p['point']} {p['side']}" for p in given.get("points", [])
                )
                initial |= {k: given.get(k) for k in ("needles", "retention_minutes", "de_qi")}
            elif code == "electroacupuncture":
                initial["ea_pairs"] = ", ".join(given.get("pairs", []))
                initial |= {
                    f"ea_{k}": given.get(k) for k in ("frequency_hz", "waveform", "minutes")
                }
            elif code == "cupping":
                initial |= {f"cupping_{k}": given.get(k) for k in ("method", "area", "minutes")}
            elif code == "gua_sha":
                initial["gua_sha_area"] = given.get("area")
        for code, reason in record.get("overrides", {}).items():
            initial[f"override_{code}"] = reason
        for section, value in measures.get("questionnaires", {}).get("odi", {}).items():
            initial[f"odi_{section}"] = value
        for item, value in measures.get("questionnaires", {}).get("sbi", {}).items():
            initial[f"sbi_{item}"] = value
        initial["global_change"] = measures.get("global_change", "")
        return initial

    #: What each visit measures or notes afresh: "same as last visit" copies the treatment
    #: given, never these.
    OF_THIS_VISIT_ONLY = (
        "leg_pain_before", "leg_pain_after", "back_pain_before", "back_pain_after",
        "adverse_events", "adverse_action", "adherence",
        "subjective", "objective", "assessment", "plan_note",
    )  # fmt: skip

    @staticmethod
    def treatment_from(record: dict[str, Any]) -> dict[str, Any]:
        """The treatment a stored record gave, for "same as last visit"."""
        initial = VisitForm.initial_from(record, {})
        return {k: v for k, v in initial.items() if k not in VisitForm.OF_THIS_VISIT_ONLY}

    @staticmethod
    def red_flags_from(record: dict[str, Any]) -> dict[str, Any]:
        """The red-flag answers a saved visit holds, for reopening it. Never copied from the
        last visit ("same as last visit"): the questions are asked again at each visit."""
        answers = record.get("red_flags") or {}
        yes = [code for code, answer in answers.items() if answer]
        return {"red_flags_yes": yes, "red_flags_none": bool(answers) and not yes}

    @staticmethod
    def initial_from_plan(plan: TreatmentPlan, leg_side: str | None) -> dict[str, Any]:
        """A first visit's form: what the plan says is to be given."""
        side = leg_side if leg_side in ("left", "right") else "both"
        initial: dict[str, Any] = {
            "position": "prone",
            "session_minutes": plan.session_minutes,
            "modalities": plan.modality_codes,
            "points": "\n".join(f"{p} {side}" for p in plan.points),
            "de_qi": True,
        }
        ea = plan.modality("electroacupuncture")
        if ea:
            initial |= {"ea_frequency_hz": ea.get("frequency_hz"), "ea_minutes": ea.get("minutes"),
                        "ea_waveform": "continuous"}  # fmt: skip
        cupping = plan.modality("cupping")
        if cupping:
            initial |= {
                "cupping_method": cupping.get("method"),
                "cupping_area": cupping.get("area"),
            }
        gua_sha = plan.modality("gua_sha")
        if gua_sha:
            initial["gua_sha_area"] = gua_sha.get("area")
        return initial


class AddendumForm(forms.Form):
    text = forms.CharField(label="Addendum", widget=forms.Textarea({"rows": 3}), max_length=4000)
    reason = forms.CharField(label="Why", max_length=500)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("moved", "Moved"), ("missed", "Did not attend"), ("cancelled", "Cancelled")]
    )
    date = forms.DateField(widget=DATE_WIDGET)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=vocabulary.REVIEW_RECOMMENDATIONS.choices(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label="Why (if not as recommended)",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
