"""Forms of the treatment room: the working diagnosis, the plan builder, the referral letter."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString

from clinic.choices import FixedChoices
from clinic.form_fields import Fields
from clinic.form_layout import FIELD_TEMPLATE, Block, Cells, Plain, Section, submit
from intake.core import vocabulary
from plans.core.propose import EA_DEFAULT_HZ, MODALITIES, plan_problems
from plans.core.propose import SESSION_RANGE as MINUTES
from plans.core.propose import TOTAL_VISITS_RANGE as VISITS
from plans.core.propose import VISITS_PER_WEEK_RANGE as PER_WEEK
from plans.models import CAUSE_CHOICES, MODALITY_NAMES, REFERRAL_NAMES, TreatmentPlan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: Where cupping or gua sha is given, in words ("buttock and back of the thigh, left"):
#: two lines, so that a description is read whole.
AREA_WIDGET = forms.Textarea(attrs={"rows": 2})
CUPPING_METHODS = vocabulary.CUPPING_METHODS.choices()
CUPPING_METHOD_NAMES = dict(CUPPING_METHODS)
# A plain button: crispy's Submit always adds btn-primary, which would hide the outline.
SAVE_DRAFT = SafeString(
    '<button type="submit" name="save" value="1" class="btn btn-outline-primary">'
    "Save draft</button>"
)
DEFAULT_AREAS = {
    "cupping": "Lower back and buttock on the painful side",
    "gua_sha": "Buttock and back of the thigh on the painful side",
}
DEFAULT_CUPPING_METHOD = "stationary"
#: What is kept with each modality in the plan: the stored key -> the form field.
DETAIL_FIELDS = {
    "electroacupuncture": {"frequency_hz": "ea_frequency_hz", "minutes": "ea_minutes"},
    "cupping": {"method": "cupping_method", "area": "cupping_area"},
    "gua_sha": {"area": "gua_sha_area"},
}


def detail_defaults(session_minutes: int | None) -> dict[str, Any]:
    """The detail fields of a modality not yet in the plan."""
    return {
        "ea_frequency_hz": EA_DEFAULT_HZ,
        "ea_minutes": session_minutes,
        "cupping_method": DEFAULT_CUPPING_METHOD,
        "cupping_area": DEFAULT_AREAS["cupping"],
        "gua_sha_area": DEFAULT_AREAS["gua_sha"],
    }


class DiagnosisForm(forms.Form):
    """Confirm the assessment's leading cause, or choose another with a reason."""

    cause = forms.ChoiceField(label="Working diagnosis", choices=[("", "Choose…")] + CAUSE_CHOICES)
    reason = forms.CharField(
        label="Reason (required when you choose another cause)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, proposed: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposed = proposed
        if proposed and not self.is_bound:
            self.initial["cause"] = proposed

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cause = cleaned.get("cause")
        if cause and cause != self.proposed and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", "Say why you are choosing a different cause from the assessment's."
            )
        return cleaned


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def point_code(line: str) -> str:
    """The point a line of the plan names: its first word, e.g. "bl40" in "bl40 (right)"."""
    return line.split()[0].upper() if line.split() else ""


def repeated_points(lines: list[str]) -> list[str]:
    """The points named on more than one line, in the order they first appear."""
    seen: set[str] = set()
    twice: list[str] = []
    for line in lines:
        code = point_code(line)
        if code in seen and code not in twice:
            twice.append(code)
        seen.add(code)
    return twice


def _range(low: int, high: int | None = None) -> forms.NumberInput:
    limits = {"min": low} if high is None else {"min": low, "max": high}
    return forms.NumberInput(limits)


class DraftForm(forms.Form):
    """A form that edits the episode's draft: it carries the draft's revision it was opened
    at (0 when there was no draft), so that a stale save conflicts (`save_draft`)."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False
    )

    def clean_revision(self) -> int:
        return self.cleaned_data["revision"] or 0


class PlanForm(DraftForm):
    """The plan builder. Starts from the proposal; refuses out-of-range doses and excluded
    modalities chosen without a reason."""

    modalities = forms.MultipleChoiceField(
        label="Modalities",
        choices=FixedChoices(vocabulary.MODALITIES.choices()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one modality."},
    )
    ea_frequency_hz = forms.IntegerField(label="Electroacupuncture frequency (Hz)", required=False)
    ea_minutes = forms.IntegerField(label="Electroacupuncture duration (minutes)", required=False)
    cupping_method = forms.ChoiceField(
        label="Cupping method", choices=FixedChoices(CUPPING_METHODS), required=False
    )
    cupping_area = forms.CharField(
        label="Cupping area", max_length=200, required=False, widget=AREA_WIDGET
    )
    gua_sha_area = forms.CharField(
        label="Gua sha area", max_length=200, required=False, widget=AREA_WIDGET
    )
    points = forms.CharField(
        label="Points (one per line)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # The browser's own limits (min, max) beside the form's checks and their messages.
    session_minutes = forms.IntegerField(label="Session length (minutes)", widget=_range(*MINUTES))
    visits_per_week = forms.IntegerField(label="Visits per week", widget=_range(*PER_WEEK))
    total_visits = forms.IntegerField(label="Course length (visits)", widget=_range(*VISITS))
    reassess_at_visit = forms.IntegerField(label="Reassess at visit", widget=_range(1))
    start_date = forms.DateField(label="First visit", widget=DATE_WIDGET)
    exercises = forms.CharField(
        label="Home exercises (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    advice = forms.CharField(
        label="Self-care advice (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    referrals = forms.MultipleChoiceField(
        label="Refer alongside treatment to",
        choices=FixedChoices(vocabulary.REFERRAL_TARGETS.choices()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    patient_note = forms.CharField(
        label="Note for the patient (printed)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    confirm_past_start = forms.BooleanField(
        label="Yes, the first visit is in the past (the course has already started)",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        excluded: dict[str, str],
        referral_reasons: list[dict[str, str]] | None = None,
        confirmed_start: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.excluded = excluded  # modality -> why it is excluded for this patient
        # A past first visit already saved in this plan needs no second confirmation.
        self.confirmed_start = confirmed_start
        reasons = referral_reasons or []
        if reasons:
            self.fields["referrals"].help_text = "Proposed: " + "; ".join(
                f"{REFERRAL_NAMES.get(r['to'], r['to'])}, because {r['why']}" for r in reasons
            )
        override_fields = []
        for code, why in excluded.items():
            name = f"override_{code}"
            self.fields[name] = forms.CharField(
                label=f"Reason to use {MODALITY_NAMES[code].lower()} anyway",
                required=False,
                max_length=500,
                help_text=f"Excluded: {why}",
            )
            override_fields.append(name)
        self.helper = FormHelper()
        self.helper.form_id = "plan-form"
        self.helper.include_media = False  # none of its widgets has media to include
        self.helper.field_template = FIELD_TEMPLATE
        self.helper.layout = Layout(
            Block(
                "row",
                Block(
                    "col-lg-6",
                    Section(
                        "Modalities",
                        "modalities",
                        *override_fields,
                        Cells("ea_frequency_hz", "ea_minutes"),
                        "cupping_method",
                        "cupping_area",
                        "gua_sha_area",
                        "points",
                    ),
                ),
                Block(
                    "col-lg-6",
                    Section(
                        "Dose and schedule",
                        Cells(
                            "session_minutes",
                            "visits_per_week",
                            "total_visits",
                            "reassess_at_visit",
                            column="col-6",
                        ),
                        "start_date",
                        *(["confirm_past_start"] if self._past_start_posted() else []),
                    ),
                    Section("Home care", "exercises", "advice", "referrals", "patient_note"),
                ),
            ),
            Plain("revision"),
            Block("d-flex flex-wrap gap-2 mt-2", SAVE_DRAFT, submit("approve", "Approve plan")),
        )

    def _past_start_posted(self) -> bool:
        """Whether the posted first visit is in the past (and not the one already saved)."""
        if not self.is_bound:
            return False
        try:
            day = datetime.date.fromisoformat(str(self.data.get("start_date", "")))
        except ValueError:
            return False
        return day < timezone.localdate() and day != self.confirmed_start

    @classmethod
    def initial_from_plan(cls, plan: TreatmentPlan) -> dict[str, Any]:
        initial: dict[str, Any] = {"modalities": plan.modality_codes}
        defaults = detail_defaults(plan.session_minutes)
        for code, fields in DETAIL_FIELDS.items():
            saved = plan.modality(code) or {}
            for key, field in fields.items():
                initial[field] = saved.get(key, defaults[field])
        initial |= {
            "points": "\n".join(plan.points),
            "session_minutes": plan.session_minutes,
            "visits_per_week": plan.visits_per_week,
            "total_visits": plan.total_visits,
            "reassess_at_visit": plan.reassess_at_visit,
            "start_date": plan.start_date,
            "exercises": "\n".join(plan.exercises),
            "advice": "\n".join(plan.advice),
            "referrals": plan.referrals,
            "patient_note": plan.patient_note,
        }
        for code, reason in plan.overrides.items():
            initial[f"override_{code}"] = reason
        return initial

    @classmethod
    def initial_from_proposal(
        cls, proposal: dict[str, Any], start: datetime.date
    ) -> dict[str, Any]:
        return {
            "modalities": proposal["modalities"],
            **detail_defaults(proposal["session_minutes"]),
            "points": "\n".join(proposal["points"]),
            "session_minutes": proposal["session_minutes"],
            "visits_per_week": proposal["visits_per_week"],
            "total_visits": proposal["total_visits"],
            "reassess_at_visit": proposal["reassess_at_visit"],
            "start_date": start,
            "exercises": "\n".join(proposal["exercises"]),
            "advice": "\n".join(proposal["advice"]),
            "referrals": proposal["referrals"],
        }

    def clean_cupping_method(self) -> str:
        return self.cleaned_data["cupping_method"] or DEFAULT_CUPPING_METHOD

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        chosen = cleaned.get("modalities") or []
        ea = None
        if "electroacupuncture" in chosen:
            ea = {
                "frequency_hz": cleaned.get("ea_frequency_hz"),
                "minutes": cleaned.get("ea_minutes"),
            }
        problems = plan_problems(
            session_minutes=cleaned.get("session_minutes"),
            visits_per_week=cleaned.get("visits_per_week"),
            total_visits=cleaned.get("total_visits"),
            reassess_at_visit=cleaned.get("reassess_at_visit"),
            electroacupuncture=ea,
        )
        for field, message in problems:
            self.add_error(field, message)
        for code in chosen:
            if code in self.excluded and not cleaned.get(f"override_{code}", "").strip():
                self.add_error(
                    f"override_{code}",
                    f"{MODALITY_NAMES[code]} is excluded for this patient "
                    f"({self.excluded[code]}). Untick it, or give your reason to use it anyway.",
                )
        for code, fields in DETAIL_FIELDS.items():
            area = fields.get("area")
            if area and code in chosen and not cleaned.get(area, "").strip():
                self.add_error(area, f"Say where the {MODALITY_NAMES[code].lower()} goes.")
        start = cleaned.get("start_date")
        past = start is not None and start < timezone.localdate() and start != self.confirmed_start
        if past and not cleaned.get("confirm_past_start"):
            self.add_error(
                "start_date",
                f"The first visit, {start:%-d %B %Y}, is in the past. Change the date, or "
                "tick the box below to confirm it.",
            )
        twice = repeated_points(_lines(cleaned.get("points", "")))
        if twice:
            self.add_error(
                "points",
                f"Listed more than once: {', '.join(twice)}. List each point once "
                "(write both sides on one line, e.g. 'BL40 both sides').",
            )
        return cleaned

    def plan_fields(self) -> dict[str, Any]:
        """The cleaned form as `TreatmentPlan` field values."""
        c = self.cleaned_data
        chosen = [m for m in MODALITIES if m in c["modalities"]]
        modalities = [
            {"code": code} | {key: c[field] for key, field in DETAIL_FIELDS.get(code, {}).items()}
            for code in chosen
        ]
        return {
            "kind": TreatmentPlan.Kind.PLAN,
            "modalities": modalities,
            "overrides": {
                code: c[f"override_{code}"].strip()
                for code in self.excluded
                if code in chosen and c.get(f"override_{code}", "").strip()
            },
            "points": _lines(c["points"]),
            "session_minutes": c["session_minutes"],
            "visits_per_week": c["visits_per_week"],
            "total_visits": c["total_visits"],
            "reassess_at_visit": c["reassess_at_visit"],
            "start_date": c["start_date"],
            "exercises": _lines(c["exercises"]),
            "advice": _lines(c["advice"]),
            "referrals": [r for r in vocabulary.REFERRAL_TARGETS.codes if r in c["referrals"]],
            "patient_note": c["patient_note"].strip(),
        }


#: The plan builder's fields, copied for each form without the copy module (`Fields`).
PlanForm.base_fields = PlanForm.declared_fields = Fields(PlanForm.base_fields)

URGENCIES = vocabulary.URGENCIES.choices()
#: Letters approved before the same-day urgency existed stored "urgent"; they still print
#: as they were approved.
URGENCY_NAMES = dict(URGENCIES) | {"urgent": "Urgent (within days)"}


class ReferralForm(DraftForm):
    """A red flag (or a suspected non-spinal cause) means a referral letter, not a plan."""

    refer_to = forms.CharField(label="Refer to", max_length=200)
    urgency = forms.ChoiceField(label="Urgency", choices=URGENCIES)
    letter = forms.CharField(
        label="Letter",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="The findings are printed under the letter.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "referral-form"
        self.helper.layout = Layout(
            Div(
                Div("refer_to", css_class="col-sm-7"),
                Div("urgency", css_class="col-sm-5"),
                css_class="row g-2",
            ),
            "letter",
            "revision",
            Block("d-flex flex-wrap gap-2", SAVE_DRAFT, submit("approve", "Approve letter")),
        )

    def plan_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "kind": TreatmentPlan.Kind.REFERRAL,
            "refer_to": c["refer_to"].strip(),
            "urgency": c["urgency"],
            "letter": c["letter"].strip(),
            "modalities": [],
            "overrides": {},
        }
