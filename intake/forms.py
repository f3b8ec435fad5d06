"""Forms for the questionnaire (one per step), the date-of-birth check and uploads.

A step form never refuses to save because something is unanswered: every field is
optional, and only the final submit checks that the questionnaire is complete
(`intake.questionnaire.missing_answers`). A value that is wrong (a pain score of 12)
is refused with a message, and the other answers on the page are still saved.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from typing import Any, ClassVar

import pypdf
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from clinic.form_layout import FIELD_TEMPLATE
from clinic.models import Patient, same_name, validate_phone
from intake import questionnaire as q
from intake.core.paths import MISSING, get_path, set_path
from intake.form_layout import BodyMapField, Scale
from intake.models import IntakeSettings, Questionnaire

YES_NO = [("yes", "Yes"), ("no", "No")]
NPRS_CHOICES = [(n, str(n)) for n in range(11)]
SBI_CHOICES = [(n, str(n)) for n in range(7)]


def choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def radio(label: str, options: list[tuple[Any, str]], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=options, required=False, widget=forms.RadioSelect, **kwargs
    )


def scale(label: str, options: list[tuple[int, str]] = NPRS_CHOICES) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=options,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def ticks(label: str, mapping: dict[str, str], **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices(mapping),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def text(label: str, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def scale_field(name: str, low: str = "0 no pain", high: str = "10 worst imaginable") -> Scale:
    return Scale(name, low, high)


def in_plain_words(form: forms.Form) -> None:
    """Put Django's own messages ("Ensure this value is less than or equal to 31.") in the
    words a patient reads on the form: what to enter, and within what."""
    for field in form.fields.values():
        words: dict[str, str] = {
            "required": "Please fill this in.",
            "invalid_choice": "Please choose one of the answers shown.",
        }
        if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            low, high = field.min_value, field.max_value
            within = (
                f"Enter a number from {low} to {high}."
                if low is not None and high is not None
                else "Enter a number of at least %(limit_value)s."
            )
            words |= {"min_value": within}
            words["max_value"] = within if low is not None else "Enter %(limit_value)s or less."
            words["invalid"] = (
                "Enter a whole number, in figures."
                if type(field) is forms.IntegerField
                else "Enter a number, in figures (for example 2 or 1.5)."
            )
            words["max_decimal_places"] = "Use at most %(max)s figure after the point."
            words["max_digits"] = "Enter a shorter number."
        elif isinstance(field, forms.DateField):
            words["invalid"] = "Enter a date: day, month and year."
        elif isinstance(field, forms.CharField):
            words["max_length"] = (
                "Please shorten this to %(limit_value)d characters (it has %(show_value)d)."
            )
        field.error_messages = {**field.error_messages, **words}


class ShownForm(forms.Form):
    """A form the patient may have open in two tabs (or on two devices): the page sends back
    the values it showed (`shown`, a hidden field), so that a save writes only the fields
    that page changed and never undoes what another tab saved meanwhile. Bind it with
    `initial=shown_initial(data)`. Its messages are in plain words (`in_plain_words`).
    """

    def full_clean(self) -> None:
        in_plain_words(self)  # here, not in __init__: some forms add fields after it
        super().full_clean()

    def shown_json(self) -> str:
        """The values the page shows, sent back with the form (`to_write` compares them)."""
        shown = {name: self.initial.get(name) for name in self.fields}
        return json.dumps(shown, cls=DjangoJSONEncoder)

    def posted_json(self) -> str:
        """The values this request sent, as the page now shows them (after a background
        save the page sends these back as `shown`)."""
        data: Any = self.data  # a QueryDict: a field may carry several values
        posted: dict[str, Any] = {}
        for name, field in self.fields.items():
            multiple = isinstance(field, forms.MultipleChoiceField)
            posted[name] = data.getlist(name) if multiple else data.get(name)
        return json.dumps(posted)

    def to_write(self) -> set[str]:
        """The fields this request changes: only those, so that two tabs (or devices) open
        on the same step never undo each other's answers.

        With the values the page showed (`shown`, the form's initial), the fields changed
        from them; without, the fields the request carries. A request carrying none of the
        step's fields changes nothing.
        """
        if not any(name in self.data for name in self.fields):
            return set()
        if self.data.get("shown") is None:
            return {name for name in self.fields if name in self.data}
        return set(self.changed_data)


class StepForm(ShownForm):
    """One step of the questionnaire: its fields and where each answer is kept."""

    slug: ClassVar[str]
    # Per form class; ScoresForm builds its own per instance (the clinic picks the tools).
    ANSWERS: dict[str, q.Answer] = {}

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        self.questionnaire = questionnaire
        if not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(questionnaire)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.include_media = False  # none of its widgets has media to include
        self.helper.field_template = FIELD_TEMPLATE
        self.helper.layout = self.layout()

    def layout(self) -> Layout:
        return Layout(*self.fields)

    def initial_from(self, questionnaire: Questionnaire) -> dict[str, Any]:
        stored = {"answers": questionnaire.answers, "extra": questionnaire.extra}
        initial = {}
        for name, answer in self.ANSWERS.items():
            value = get_path(stored[answer.container], answer.path)
            if value is not MISSING:
                initial[name] = answer.to_form(value)
        return initial

    def writes(self, name: str) -> bool:
        if not hasattr(self, "_to_write"):
            self._to_write = self.to_write()
        return name in self._to_write and name in self.cleaned_data

    def store(self) -> None:
        """Write the valid answers this request changed into the questionnaire (not saved).

        A field cleared removes its answer ("not answered"); a field with an error keeps
        the answer it had, and so does every field the request did not change.
        """
        stored = {"answers": self.questionnaire.answers, "extra": self.questionnaire.extra}
        for name, answer in self.ANSWERS.items():
            if self.writes(name):
                value = answer.to_store(self.cleaned_data[name])
                set_path(stored[answer.container], answer.path, value)


class AboutForm(StepForm):
    slug = "about"
    ANSWERS = {
        "phone": q.in_extra("contact", "phone"),
        "email": q.in_extra("contact", "email"),
        "sex": q.in_case("patient", "sex"),
        "goals": q.in_extra("goals"),
    }

    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label="Email address", required=False)
    sex = radio(
        "Sex",
        Patient.Sex.choices,
        help_text="Some conditions are more common in one sex, so we ask.",
    )
    goals = text(
        "What would you most like to be able to do again?",
        help_text="For example: sleep through the night, walk the dog, sit through a film.",
    )

    def initial_from(self, questionnaire: Questionnaire) -> dict[str, Any]:
        patient = questionnaire.episode.patient
        initial = {"phone": patient.phone, "email": patient.email, "sex": patient.sex or ""}
        return initial | super().initial_from(questionnaire)

    def layout(self) -> Layout:
        return Layout(
            Fieldset("How can we reach you?", "phone", "email"),
            InlineRadios("sex"),
            "goals",
        )


class PainForm(StepForm):
    slug = "pain"
    ANSWERS = {
        "pain_map": q.in_extra("pain_map"),
        "leg_pain_now": q.in_case("history", "leg_pain_now"),
        "leg_pain_worst": q.in_case("history", "leg_pain_worst"),
        "leg_pain_best": q.in_case("history", "leg_pain_best"),
        "back_pain_now": q.in_case("history", "back_pain_now"),
        "back_pain_worst": q.in_extra("back_pain_worst"),
        "back_pain_best": q.in_extra("back_pain_best"),
    }

    pain_map = ticks("Tap every area where you feel pain, numbness or tingling", q.PAIN_MAP)
    leg_pain_now = scale("Leg pain right now")
    leg_pain_worst = scale("Leg pain at its worst in the last week")
    leg_pain_best = scale("Leg pain at its best in the last week")
    back_pain_now = scale("Back pain right now")
    back_pain_worst = scale("Back pain at its worst in the last week")
    back_pain_best = scale("Back pain at its best in the last week")

    def layout(self) -> Layout:
        return Layout(
            BodyMapField("pain_map"),
            Fieldset(
                "How strong is the pain?",
                HTML(
                    '<p class="form-text mt-0">0 means no pain, 10 the worst you can imagine.</p>'
                ),
                *(scale_field(name) for name in list(self.fields)[1:]),
            ),
        )

    def clean(self) -> dict[str, Any]:
        """Each pain's answers agree: today is in the last week, so its pain is no lower than
        the week's best and no higher than its worst. A slip of the finger on a small
        screen is said back, plainly, on both answers of the pair, and neither is saved
        until they agree (each keeps the answer it had)."""
        c = super().clean() or {}
        for part in ("leg", "back"):
            now, worst, best = (c.get(f"{part}_pain_{key}") for key in ("now", "worst", "best"))
            if best is not None and worst is not None and best > worst:
                pair = ("best", "worst")
                message = f"At its best ({best}) is higher than at its worst ({worst})"
            elif now is not None and worst is not None and now > worst:
                pair = ("now", "worst")
                message = f"Right now ({now}) is higher than at its worst ({worst})"
            elif now is not None and best is not None and best > now:
                pair = ("now", "best")
                message = f"At its best ({best}) is higher than right now ({now})"
            else:
                continue
            for key in pair:
                self.add_error(f"{part}_pain_{key}", f"{message}: please check both.")
        return c

    def store(self) -> None:
        super().store()
        if self.writes("pain_map"):
            ticked = self.cleaned_data["pain_map"]
            regions = [
                region
                for region in q.PAIN_REGIONS
                if any(value == region or value.endswith(f"_{region}") for value in ticked)
            ]
            self.questionnaire.answers.setdefault("history", {})["pain_regions"] = regions


class StoryForm(StepForm):
    slug = "story"
    ANSWERS = {
        "onset": q.in_case("history", "onset"),
        "trigger": q.in_case("history", "trigger"),
        "trigger_other": q.in_extra("trigger_other"),
        "side": q.in_case("history", "side"),
        "leg_or_back": q.in_extra("leg_or_back"),
        "symptoms": q.in_case("history", "symptoms"),
        "aggravating": q.in_case("history", "aggravating"),
        "relieving": q.in_case("history", "relieving"),
        "claudication": q.yes_no(q.in_case, "history", "neurogenic_claudication"),
        "walking_distance": q.in_extra("walking_distance"),
        "standing_time": q.in_extra("standing_time"),
    }

    duration_number = forms.DecimalField(
        label="Number",
        min_value=0,
        max_value=999,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    duration_unit = forms.ChoiceField(
        label="Days, weeks, months or years",
        choices=[("", "Choose…"), *choices(q.DURATION_UNITS)],
        required=False,
    )
    onset = radio("Did it start suddenly or gradually?", choices(q.ONSETS))
    trigger = radio("What set it off?", choices(q.TRIGGERS))
    trigger_other = forms.CharField(label="If something else, what?", required=False)
    side = radio("Which leg is affected?", choices(q.SIDES))
    leg_or_back = radio("Which hurts more?", choices(q.LEG_OR_BACK))
    symptoms = ticks("Do you have any of these in your leg or foot?", q.SYMPTOMS)
    aggravating = ticks("What makes it worse?", q.MOVEMENTS)
    relieving = ticks("What makes it better?", q.MOVEMENTS)
    claudication = radio(
        "When you walk or stand for a while, does your leg start to hurt, feel heavy or go "
        "numb, and then ease when you sit down or bend forward?",
        YES_NO,
    )
    walking_distance = radio("How far can you walk before you have to stop?", choices(q.WALKING))
    standing_time = radio("How long can you stand before you have to sit?", choices(q.STANDING))

    def initial_from(self, questionnaire: Questionnaire) -> dict[str, Any]:
        initial = super().initial_from(questionnaire)
        duration = questionnaire.extra.get("duration", {})
        number = duration.get("number")
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        initial["duration_number"] = number
        initial["duration_unit"] = duration.get("unit", "")
        return initial

    def layout(self) -> Layout:
        return Layout(
            Fieldset(
                "How long have you had this pain?",
                Div(
                    Div("duration_number", css_class="col-5"),
                    Div("duration_unit", css_class="col-7"),
                    css_class="row g-2",
                ),
            ),
            "onset",
            "trigger",
            "trigger_other",
            "side",
            "leg_or_back",
            "symptoms",
            Div(
                Div("aggravating", css_class="col-sm-6"),
                Div("relieving", css_class="col-sm-6"),
                css_class="row",
            ),
            InlineRadios("claudication"),
            "walking_distance",
            "standing_time",
        )

    def store(self) -> None:
        super().store()
        data, answers = self.cleaned_data, self.questionnaire.answers
        duration_changed = self.writes("duration_number") or self.writes("duration_unit")
        if duration_changed and "duration_number" in data and "duration_unit" in data:
            number, unit = data["duration_number"], data["duration_unit"]
            duration: dict[str, Any] = {}
            if number is not None:
                duration["number"] = float(number)
            if unit:
                duration["unit"] = unit
            set_path(self.questionnaire.extra, ("duration",), duration or MISSING)
            weeks = (
                round(float(number) * q.WEEKS_PER_UNIT[unit], 1)
                if number is not None and unit
                else MISSING
            )
            set_path(answers, ("history", "duration_weeks"), weeks)
        if self.writes("leg_or_back"):
            choice = data["leg_or_back"]
            worse = MISSING if not choice else choice == "leg"
            set_path(answers, ("history", "leg_pain_worse_than_back"), worse)


class SafetyForm(StepForm):
    slug = "safety"
    ANSWERS = {
        code: q.yes_no(q.in_case, "history", "red_flags", code) for code in q.RED_FLAG_QUESTIONS
    }

    def layout(self) -> Layout:
        return Layout(
            Fieldset(
                "Have you noticed any of these lately?",
                *(InlineRadios(code) for code in q.RED_FLAGS_NOTICED),
            ),
            Fieldset(
                "About your health in general",
                *(InlineRadios(code) for code in q.RED_FLAGS_HISTORY),
            ),
        )


for _code, _label in q.RED_FLAGS.items():
    _field = radio(_label, YES_NO)
    if _code in q.URGENT_SIGNS:
        _field.widget.attrs["data-emergency"] = "1"
    SafetyForm.base_fields[_code] = _field


class HealthForm(StepForm):
    slug = "health"
    ANSWERS = {
        "conditions": q.in_case("history", "conditions"),
        "pregnant": q.yes_no(q.in_case, "patient", "pregnant"),
        "gestation_weeks": q.in_case("patient", "gestation_weeks"),
        "other_conditions": q.in_extra("other_conditions"),
        "medications": q.in_extra("medications"),
        "previous_treatments": q.in_extra("previous_treatments"),
        "contributing": q.in_case("history", "contributing"),
    }

    conditions = ticks("Do any of these apply to you?", q.CONDITIONS)
    pregnant = radio("Are you pregnant?", YES_NO, help_text="Leave blank if it does not apply.")
    gestation_weeks = forms.IntegerField(
        label="If so, how many weeks?",
        min_value=0,
        max_value=42,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    other_conditions = text("Any other health conditions?", rows=2)
    medications = text("Which medicines do you take, including painkillers?", rows=2)
    previous_treatments = text(
        "What have you already tried for this pain, and did it help?",
        rows=2,
        help_text="For example physiotherapy, painkillers, injections, acupuncture.",
    )
    contributing = ticks("Do any of these apply to your daily life?", q.CONTRIBUTING)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("pregnant") == "no" and "gestation_weeks" in data:
            data["gestation_weeks"] = None
        return data

    def layout(self) -> Layout:
        return Layout(
            "conditions",
            Fieldset("Pregnancy", InlineRadios("pregnant"), "gestation_weeks"),
            "other_conditions",
            "medications",
            "previous_treatments",
            "contributing",
        )


class ScoresForm(StepForm):
    """The validated questionnaires the clinic asks (IntakeSettings)."""

    slug = "scores"

    def __init__(self, *args: Any, asked: tuple[str, ...], **kwargs: Any) -> None:
        self.asked = asked
        self.ANSWERS = {}
        fields: dict[str, forms.Field] = {}
        if "odi" in asked:
            for section, (title, levels) in q.ODI.items():
                options: list[tuple[str, str]] = [(str(n), text) for n, text in enumerate(levels)]
                if section in q.ODI_MAY_NOT_APPLY:
                    options.append((q.ODI_NOT_APPLICABLE, "This does not apply to me"))
                fields[f"odi_{section}"] = radio(title, options)
                self.ANSWERS[f"odi_{section}"] = q.in_case(
                    "questionnaires",
                    "odi",
                    section,
                    to_store=odi_to_store,
                    to_form=lambda value: q.ODI_NOT_APPLICABLE if value is None else str(value),
                )
        if "start_back" in asked:
            for item, statement in q.START_BACK.items():
                fields[f"start_back_{item}"] = radio(
                    statement, [("agree", "Agree"), ("disagree", "Disagree")]
                )
                self.ANSWERS[f"start_back_{item}"] = q.in_case(
                    "questionnaires",
                    "start_back",
                    item,
                    to_store=lambda value: {"agree": True, "disagree": False}.get(
                        value or "", MISSING
                    ),
                    to_form=lambda value: "agree" if value else "disagree",
                )
            fields["start_back_9"] = radio(q.START_BACK_9, choices(q.START_BACK_9_CHOICES))
            self.ANSWERS["start_back_9"] = q.in_case("questionnaires", "start_back", "9")
        if "sbi" in asked:
            for item, label in q.SBI.items():
                fields[f"sbi_{item}"] = scale(label, SBI_CHOICES)
                self.ANSWERS[f"sbi_{item}"] = q.in_case("questionnaires", "sbi", item)
        super().__init__(*args, **kwargs)
        self.fields.update(fields)

    def layout(self) -> Layout:
        parts: list[Any] = []
        if "odi" in self.asked:
            parts.append(
                Fieldset(
                    "Your back or leg pain and daily life",
                    HTML(
                        '<p class="form-text mt-0">For each part, choose the one sentence '
                        "that fits you best today.</p>"
                    ),
                    *(f"odi_{section}" for section in q.ODI),
                    HTML('{% load intake_panels %}{% instrument_notice "odi" %}'),
                )
            )
        if "start_back" in self.asked:
            parts.append(
                Fieldset(
                    "Thinking about the last 2 weeks",
                    *(InlineRadios(f"start_back_{item}") for item in q.START_BACK),
                    "start_back_9",
                    HTML('{% load intake_panels %}{% instrument_notice "start_back" %}'),
                )
            )
        if "sbi" in self.asked:
            parts.append(
                Fieldset(
                    "How bothersome has each of these been in the last week?",
                    *(scale_field(f"sbi_{item}", "0 not at all", "6 extremely") for item in q.SBI),
                    HTML('{% load intake_panels %}{% instrument_notice "sbi" %}'),
                )
            )
        if not parts:
            parts.append(HTML("<p>Nothing to answer on this page: please go on.</p>"))
        return Layout(*parts)


def odi_to_store(value: str | None) -> Any:
    if not value:
        return MISSING
    return None if value == q.ODI_NOT_APPLICABLE else int(value)


def asked_questionnaires(settings_row: IntakeSettings) -> tuple[str, ...]:
    asked = (
        ("odi", settings_row.ask_odi),
        ("start_back", settings_row.ask_start_back),
        ("sbi", settings_row.ask_sbi),
    )
    return tuple(code for code, on in asked if on)


class ScansForm(StepForm):
    slug = "scans"
    ANSWERS = {
        "scan_kinds": q.in_extra("scans", "kinds"),
        "scan_notes": q.in_extra("scans", "notes"),
    }

    scan_kinds = ticks("Have you had any scans of your back?", q.SCANS)
    scan_notes = text(
        "When and where were they done, and what were you told?",
        rows=2,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        kinds = self.cleaned_data.get("scan_kinds") or []
        if "none" in kinds and len(kinds) > 1:
            self.add_error("scan_kinds", 'You ticked "No scans" and a scan: untick one of them.')
        return self.cleaned_data

    def layout(self) -> Layout:
        return Layout("scan_kinds", "scan_notes")


class ConsentForm(StepForm):
    slug = "consent"
    ANSWERS = {
        "agreed": q.in_extra(
            "consent", "agreed", to_store=lambda value: True if value else MISSING
        ),
        "signed_name": q.in_extra("consent", "signed_name"),
        "on_behalf": q.in_extra(
            "consent", "on_behalf", to_store=lambda value: True if value else MISSING
        ),
        "relationship": q.in_extra("consent", "relationship"),
        "signed_on": q.in_extra(
            "consent",
            "signed_on",
            to_store=lambda value: value.isoformat() if value else MISSING,
            to_form=lambda value: datetime.date.fromisoformat(value),
        ),
    }

    agreed = forms.BooleanField(
        label="I have answered truthfully, and I agree that the clinic keeps these answers "
        "in my health record and uses them to plan my care.",
        required=False,
    )
    signed_name = forms.CharField(label="Type your full name as your signature", max_length=200)
    on_behalf = forms.BooleanField(
        label="I am signing on the patient's behalf (for example as their parent or carer)",
        required=False,
    )
    relationship = forms.CharField(
        label="Your name and how you are related to the patient",
        max_length=200,
        required=False,
    )
    signed_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_name"].required = False
        self.fields["signed_on"].required = False
        self.fields["signed_name"].widget.attrs["autocomplete"] = "name"
        if not self.initial.get("signed_on"):
            self.initial["signed_on"] = timezone.localdate()

    def layout(self) -> Layout:
        return Layout("agreed", "signed_name", "on_behalf", "relationship", "signed_on")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        typed = (cleaned.get("signed_name") or "").strip()
        patient = self.questionnaire.episode.patient
        if typed and not cleaned.get("on_behalf") and not same_name(typed, patient.full_name):
            self.add_error(
                "signed_name",
                f"This is not the name the clinic has for the patient ({patient.full_name}). "
                "Type the patient's full name, or if you are signing for them, tick the box "
                "below and say who you are.",
            )
        signed_on = cleaned.get("signed_on")
        if signed_on is not None and signed_on > timezone.localdate():
            self.add_error("signed_on", "Give today's date: the day you sign, not a later one.")
        return cleaned


STEP_FORMS: dict[str, type[StepForm]] = {
    form.slug: form
    for form in (
        AboutForm,
        PainForm,
        StoryForm,
        SafetyForm,
        HealthForm,
        ScoresForm,
        ScansForm,
        ConsentForm,
    )
}


def step_form(
    slug: str, questionnaire: Questionnaire, data: Any = None, asked: tuple[str, ...] = ()
) -> StepForm:
    """The step's form: unbound with the stored answers, or bound to a request's data with
    the values its page showed as initial (so that `changed_data` is what was changed)."""
    form_class = STEP_FORMS[slug]
    kwargs: dict[str, Any] = {"questionnaire": questionnaire}
    if form_class is ScoresForm:
        kwargs["asked"] = asked
    if data is None:
        return form_class(**kwargs)
    return form_class(data, initial=shown_initial(data), **kwargs)


def shown_initial(data: Any) -> dict[str, Any]:
    """The values the page showed, as a `ShownForm` bound to its request takes them."""
    text = data.get("shown")
    try:
        shown = json.loads(text or "{}")
    except ValueError:
        return {}
    return shown if isinstance(shown, dict) else {}


# --- the date-of-birth check -----------------------------------------------------------


class BirthDateForm(forms.Form):
    day = forms.IntegerField(
        label="Day",
        min_value=1,
        max_value=31,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    month = forms.IntegerField(
        label="Month",
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    year = forms.IntegerField(
        label="Year",
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_plain_words(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                "Your date of birth",
                HTML('<p class="form-text mt-0">For example 27 3 1980</p>'),
                Div(
                    Div("day", css_class="col-3"),
                    Div("month", css_class="col-3"),
                    Div("year", css_class="col-5"),
                    css_class="row g-2",
                ),
            )
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if all(data.get(part) for part in ("day", "month", "year")):
            try:
                data["date"] = datetime.date(data["year"], data["month"], data["day"])
            except ValueError:
                raise forms.ValidationError("That date does not exist: please check it.") from None
        return data


# --- uploads ---------------------------------------------------------------------------

#: Accepted files: what the name says must match what the content is, found by parsing.
UPLOAD_KINDS = {
    ".pdf": ("application/pdf", None),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
}
MAX_UPLOADS = 10
TOO_MANY_UPLOADS = f"You can add up to {MAX_UPLOADS} files."
#: What a PDF may not carry: scripts, actions that run on opening, launches, attachments.
PDF_ACTIVE = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/OpenAction", "/AA"}
    | {"/RichMedia", "/XFA", "/SubmitForm", "/ImportData", "/GoToE"}
)
#: Markup that would make the file something else too (a polyglot) if a browser sniffed it.
POLYGLOT_MARKERS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<body", b"<iframe")
PDF_MAX_OBJECTS = 200_000


class Checked:
    """An upload that parsed: its stored type and the bytes to keep (images re-encoded)."""

    def __init__(self, content_type: str, content: bytes) -> None:
        self.content_type = content_type
        self.content = content


def check_upload(upload: UploadedFile) -> Checked:
    """Parse the upload as what its name says, or raise ValidationError saying why not."""
    name = (upload.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in UPLOAD_KINDS:
        raise forms.ValidationError("Please choose a PDF, JPEG or PNG file.")
    if (upload.size or 0) > settings.QUESTIONNAIRE_UPLOAD_MAX_BYTES:
        megabytes = settings.QUESTIONNAIRE_UPLOAD_MAX_BYTES // (1024 * 1024)
        raise forms.ValidationError(f"This file is too large: the limit is {megabytes} MB.")
    content_type, image_format = UPLOAD_KINDS[suffix]
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    if image_format is None:
        check_pdf(raw)
        return Checked(content_type, raw)
    return Checked(content_type, reencoded_image(raw, image_format))


def check_pdf(raw: bytes) -> None:
    """A PDF that parses, has pages, and carries no script, action or attachment."""
    not_pdf = forms.ValidationError("This file is not a PDF, although its name says so.")
    if not raw.startswith(b"%PDF-") or any(m in raw.lower() for m in POLYGLOT_MARKERS):
        raise not_pdf
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw), strict=True)
        if len(reader.pages) == 0:
            raise not_pdf
        active = _active_parts(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise not_pdf from None
    if active:
        raise forms.ValidationError(
            "This PDF contains scripts, actions or attached files, which we cannot accept. "
            "Please print it to a new PDF or take a photo of the pages instead."
        )


def _active_parts(reader: pypdf.PdfReader) -> set[str]:
    """The names of PDF_ACTIVE found anywhere in the document's objects."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [reader.trailer]
    while todo:
        if len(seen) > PDF_MAX_OBJECTS:
            raise ValueError("too many objects")
        item = todo.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found |= PDF_ACTIVE & {str(k) for k in item}
            if item.get("/S") in ("/JavaScript", "/Launch"):
                found.add(str(item["/S"]))
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return found


def reencoded_image(raw: bytes, image_format: str) -> bytes:
    """The image decoded and written again without its metadata (and anything appended)."""
    wrong = forms.ValidationError(
        f"This file is not a {image_format} image, although its name says so."
    )
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != image_format:
                raise wrong
            width, height = image.size
            if width * height > settings.QUESTIONNAIRE_UPLOAD_MAX_PIXELS:
                raise forms.ValidationError(
                    f"This image is too large ({width} × {height} pixels): please send a "
                    "smaller photo."
                )
            image.load()
            clean = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            out = io.BytesIO()
            clean.save(out, format=image_format, quality=90)
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise wrong from None
    return out.getvalue()


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Choose a file (PDF, JPEG or PNG)",
        error_messages={"required": "Choose a file to add first."},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        self.questionnaire = questionnaire
        super().__init__(*args, **kwargs)

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        self.checked = check_upload(upload)
        # Counted again under the questionnaire's lock when the file is stored.
        if self.questionnaire.uploads.count() >= MAX_UPLOADS:
            raise forms.ValidationError(TOO_MANY_UPLOADS)
        # Compared as it will be kept: an image is kept re-encoded.
        same = self.already_added(ContentFile(self.checked.content))
        if same is not None:
            raise forms.ValidationError(
                f"This file is already added (as {same}): there is no need to add it again."
            )
        return upload

    def already_added(self, upload: File) -> str | None:
        """The name of this questionnaire's file with the same content, if there is one."""
        content = hash_content(upload)
        for existing in self.questionnaire.uploads.filter(size=upload.size or 0):
            try:
                with existing.file.open("rb") as stored:
                    if hash_content(stored) == content:
                        return existing.original_name
            except OSError:  # a stored file gone missing is not this one
                continue
        return None


def hash_content(file: Any) -> str:
    """The SHA-256 of a file's content, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
