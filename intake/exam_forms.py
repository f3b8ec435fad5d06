"""The practitioner's exam form: every exam field of the case format, in examination order.

Each form field maps to one place in the exam's case-format parts (`findings`, `imaging`,
`history`, `tcm_notes`); `ExamForm.parts()` builds them from the cleaned data and
`initial_from(parts)` reads them back. A blank field means "not asked / not tested" and
leaves the key out, which is never the same as a negative finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.safestring import mark_safe

from clinic.choices import FixedChoices
from clinic.form_fields import Fields
from clinic.form_layout import (
    FIELD_TEMPLATE,
    Cells,
    Choices,
    Markup,
    Plain,
    Row,
    Section,
    SideBySide,
    row,
    submit,
)
from intake.core import vocabulary as vocab
from intake.core.paths import MISSING, get_path, set_path
from intake.models import EXAM_PARTS

NOT_TESTED = ("", "Not tested")
NOT_ASKED = ("", "Not asked")
YES_NO = [NOT_ASKED, ("yes", "Yes"), ("no", "No")]


def _choices(terms: vocab.Vocabulary, blank: tuple[str, str] = NOT_ASKED) -> list[tuple[str, str]]:
    return [blank, *terms.choices()]


RESULT = _choices(vocab.RESULTS, NOT_TESTED)
REFLEX = _choices(vocab.REFLEX_GRADES, NOT_TESTED)
SENSATION = _choices(vocab.SENSATION_GRADES, NOT_TESTED)
MRC = [NOT_TESTED] + [(str(g), f"{g}/5") for g in range(5, -1, -1)]
WALK = _choices(vocab.WALK_GRADES, NOT_TESTED)
PRESENT = _choices(vocab.PRESENCE, NOT_TESTED)


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _from_bool(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, "")


@dataclass(frozen=True)
class Spec:
    """One form field and where its value lives in the exam's parts."""

    name: str
    path: tuple[str, ...]  # ("findings", "reflexes", "achilles", "left")
    field: Callable[[], forms.Field]
    to_json: Callable[[Any], Any] = lambda v: v if v not in ("", None, []) else None
    from_json: Callable[[Any], Any] = lambda v: v


def _select(label: str, choices: list[tuple[str, str]]) -> Callable[[], forms.Field]:
    fixed = FixedChoices(choices)
    return lambda: forms.ChoiceField(label=label, choices=fixed, required=False)


def _checkboxes(label: str, choices: list[tuple[str, str]]) -> Callable[[], forms.Field]:
    fixed = FixedChoices(choices)
    return lambda: forms.MultipleChoiceField(
        label=label,
        choices=fixed,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _number(
    label: str, low: int, high: int, *, decimal: bool = False, help_text: str = ""
) -> Callable[[], forms.Field]:
    kind = forms.FloatField if decimal else forms.IntegerField
    attrs = {"step": "any"} if decimal else {}
    return lambda: kind(
        label=label,
        min_value=low,
        max_value=high,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs=attrs),
    )


def _text(label: str) -> Callable[[], forms.Field]:
    return lambda: forms.CharField(
        label=label, required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def _tri(name: str, path: tuple[str, ...], label: str) -> Spec:
    return Spec(name, path, _select(label, YES_NO), _yes_no, _from_bool)


#: Ticked alone, "none of these" records that the health questions were asked (an empty
#: list), which is not the same as never asked (no list at all).
NONE_OF_THESE = "none_of_these"
NONE_OF_THESE_CHOICE = (NONE_OF_THESE, "None of these")


def _conditions_json(value: list[str] | None) -> list[str] | None:
    if not value:
        return None
    return [v for v in value if v != NONE_OF_THESE]


def _mrc_json(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def _build_specs() -> list[Spec]:
    specs: list[Spec] = []
    f = "findings"
    for test, label in vocab.SIDE_TESTS.choices():
        for side in vocab.SIDES.codes:
            specs.append(
                Spec(
                    f"{test}_{side}",
                    (f, test, side, "result"),
                    _select(f"{label}, {side}", RESULT),
                )
            )
            if test == "slr":
                specs.append(
                    Spec(
                        f"slr_{side}_angle",
                        (f, "slr", side, "angle_deg"),
                        _number(f"SLR angle, {side} (degrees)", 0, 120),
                    )
                )
    specs += [
        Spec("step_off", (f, "step_off"), _select("Palpable step-off", PRESENT)),
        Spec("midline_sill", (f, "midline_sill"), _select("Low midline sill sign", PRESENT)),
        _tri("extension_provokes", (f, "extension_provokes"), "Extension provokes the pain"),
        _tri("flexion_relieves", (f, "flexion_relieves"), "Flexion relieves the pain"),
    ]
    for reflex, name in vocab.REFLEXES.choices():
        for side in vocab.SIDES.codes:
            specs.append(
                Spec(
                    f"reflex_{reflex}_{side}",
                    (f, "reflexes", reflex, side),
                    _select(f"{name}, {side}", REFLEX),
                )
            )
    for muscle, name in vocab.MUSCLES.choices():
        for side in vocab.SIDES.codes:
            specs.append(
                Spec(
                    f"strength_{muscle}_{side}",
                    (f, "strength", muscle, side),
                    _select(f"{name}, {side}", MRC),
                    _mrc_json,
                    lambda v: "" if v is None else str(v),
                )
            )
    for dermatome in vocab.DERMATOMES.codes:
        for side in vocab.SIDES.codes:
            specs.append(
                Spec(
                    f"sensation_{dermatome}_{side}",
                    (f, "sensation", dermatome, side),
                    _select(f"Sensation {dermatome}, {side}", SENSATION),
                )
            )
    specs.append(
        Spec("sensation_saddle", (f, "sensation", "saddle"), _select("Saddle sensation", SENSATION))
    )
    for walk, label in (("heel_walk", "Heel walking"), ("toe_walk", "Toe walking")):
        for side in vocab.SIDES.codes:
            specs.append(Spec(f"{walk}_{side}", (f, walk, side), _select(f"{label}, {side}", WALK)))
    # Upper-motor-neuron signs (a same-day red flag): NHS Lothian RefHelp.
    for sign, label, grades in (
        ("plantar_response", "Plantar response", vocab.PLANTAR_RESPONSES),
        ("ankle_clonus", "Ankle clonus", vocab.CLONUS),
    ):
        for side in vocab.SIDES.codes:
            specs.append(
                Spec(
                    f"{sign}_{side}",
                    (f, sign, side),
                    _select(f"{label}, {side}", _choices(grades, NOT_TESTED)),
                )
            )
    specs += [
        Spec(
            "romberg",
            (f, "romberg"),
            _select("Romberg test", _choices(vocab.ROMBERG_RESULTS, NOT_TESTED)),
        ),
        _tri("wide_based_gait", (f, "wide_based_gait"), "Wide-based gait"),
        Spec(
            "pedal_pulses",
            (f, "pedal_pulses"),
            _select("Pedal pulses", _choices(vocab.PULSES, NOT_TESTED)),
        ),
        Spec(
            "abi",
            (f, "abi"),
            _number("Ankle-brachial index (ABI)", 0, 3, decimal=True, help_text="If measured."),
        ),
        Spec(
            "temperature_c", (f, "temperature_c"), _number("Temperature (°C)", 30, 45, decimal=True)
        ),
        Spec(
            "imaging_modality",
            ("imaging", "modality"),
            _select("Imaging", _choices(vocab.IMAGING, ("", "None seen"))),
        ),
        Spec(
            "imaging_disc_level",
            ("imaging", "disc_herniation_level"),
            _select("Disc herniation level", _choices(vocab.DISC_LEVELS, ("", "None"))),
        ),
        Spec(
            "imaging_stenosis",
            ("imaging", "stenosis"),
            _select("Stenosis", _choices(vocab.STENOSIS_GRADES, ("", "Not reported"))),
        ),
        Spec(
            "imaging_listhesis",
            ("imaging", "listhesis_grade"),
            _number("Listhesis grade (Meyerding 0-4)", 0, 4),
        ),
    ]
    h = "history"
    specs += [
        Spec(
            "duration_weeks",
            (h, "duration_weeks"),
            _number("Duration of this episode (weeks)", 0, 6000, decimal=True),
        ),
        Spec("onset", (h, "onset"), _select("Onset", _choices(vocab.ONSETS))),
        Spec("trigger", (h, "trigger"), _select("Trigger", _choices(vocab.TRIGGERS))),
        Spec("side", (h, "side"), _select("Side", _choices(vocab.LEG_SIDES))),
        Spec(
            "pain_regions",
            (h, "pain_regions"),
            _checkboxes("Where the pain is", vocab.PAIN_REGIONS.choices()),
        ),
        _tri(
            "leg_pain_worse_than_back",
            (h, "leg_pain_worse_than_back"),
            "Leg pain worse than back pain",
        ),
        Spec("symptoms", (h, "symptoms"), _checkboxes("Symptoms", vocab.SYMPTOMS.choices())),
        Spec(
            "aggravating",
            (h, "aggravating"),
            _checkboxes("Made worse by", vocab.ACTIVITIES.choices()),
        ),
        Spec("relieving", (h, "relieving"), _checkboxes("Eased by", vocab.ACTIVITIES.choices())),
        _tri(
            "neurogenic_claudication",
            (h, "neurogenic_claudication"),
            "Leg symptoms on walking or standing, eased by sitting or bending forward",
        ),
        Spec("leg_pain_now", (h, "leg_pain_now"), _number("Leg pain now (0-10)", 0, 10)),
        Spec("leg_pain_worst", (h, "leg_pain_worst"), _number("Leg pain at worst (0-10)", 0, 10)),
        Spec("leg_pain_best", (h, "leg_pain_best"), _number("Leg pain at best (0-10)", 0, 10)),
        Spec("back_pain_now", (h, "back_pain_now"), _number("Back pain now (0-10)", 0, 10)),
    ]
    for question, label in vocab.RED_FLAG_QUESTIONS.choices():
        specs.append(_tri(f"rf_{question}", (h, "red_flags", question), label))
    specs += [
        _tri("pregnant", ("patient", "pregnant"), "Pregnant"),
        Spec(
            "gestation_weeks",
            ("patient", "gestation_weeks"),
            _number("Weeks of pregnancy", 0, 42),
        ),
        Spec(
            "conditions",
            (h, "conditions"),
            _checkboxes("Medical conditions", [*vocab.CONDITIONS.choices(), NONE_OF_THESE_CHOICE]),
            _conditions_json,
            lambda v: list(v) or [NONE_OF_THESE],
        ),
        Spec(
            "contributing",
            (h, "contributing"),
            _checkboxes("Contributing factors", vocab.CONTRIBUTING.choices()),
        ),
        Spec("tcm_tongue", ("tcm_notes", "tongue"), _text("Tongue")),
        Spec("tcm_pulse", ("tcm_notes", "pulse"), _text("Pulse")),
        Spec("tcm_pattern", ("tcm_notes", "pattern"), _text("Pattern")),
    ]
    return specs


SPECS = _build_specs()
SPECS_BY_NAME = {spec.name: spec for spec in SPECS}
LABELS_BY_PATH = {spec.path: spec.field().label for spec in SPECS}
PARTS = EXAM_PARTS


def _get(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path`; None when absent (the exam form has no use for the difference)."""
    value = get_path(tree, path)
    return None if value is MISSING else value


def initial_from(parts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Form initial values from the exam's saved parts."""
    initial: dict[str, Any] = {}
    for spec in SPECS:
        value = _get(parts, spec.path)
        if value is not None:
            initial[spec.name] = spec.from_json(value)
    return initial


def _sides(prefix: str, label: str) -> Row:
    return row(label, f"{prefix}_left", f"{prefix}_right")


def _pair(*names: str) -> Cells:
    return Cells(*names)


class ExamForm(forms.Form):
    """All of the exam, the history taken in the room and TCM notes, with a version check.

    The fields of `SPECS` are made once, below the class, and copied for each form."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(
        self, *args: Any, questionnaire_history: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        patient_said = questionnaire_history or {}
        for spec in HISTORY_SPECS:
            answer = _get({"history": patient_said}, spec.path)
            if answer is not None:
                self.fields[spec.name].help_text = f"Questionnaire: {_words(answer)}"
        self.helper = FormHelper()
        self.helper.include_media = False  # none of its widgets has media to include
        self.helper.form_id = "exam-form"
        self.helper.field_template = FIELD_TEMPLATE
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = LAYOUT

    def parts(self) -> dict[str, dict[str, Any]]:
        """The cleaned form as the exam's case-format parts (blank fields left out)."""
        out: dict[str, dict[str, Any]] = {part: {} for part in PARTS}
        for spec in SPECS:
            value = spec.to_json(self.cleaned_data.get(spec.name))
            if value is None:
                continue
            if isinstance(value, list):
                value = sorted(value, key=_order(spec.name))
            set_path(out, spec.path, value)
        # An SLR angle is only recorded with a result: the case format requires one.
        for side in vocab.SIDES.codes:
            slr = _get(out, ("findings", "slr", side))
            if slr is not None and "result" not in slr:
                set_path(out["findings"], ("slr", side), MISSING)  # keeps "findings" itself
        return out

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for side in vocab.SIDES.codes:
            if cleaned.get(f"slr_{side}_angle") is not None and not cleaned.get(f"slr_{side}"):
                self.add_error(f"slr_{side}_angle", "Record the SLR result with its angle.")
        return cleaned


def _layout() -> Layout:
    neural = []
    for test, label in vocab.NEURAL_TENSION_TESTS.choices():
        neural.append(_sides(test, label))
        if test == "slr":
            neural.append(row("SLR angle (degrees)", "slr_left_angle", "slr_right_angle"))
    return Layout(
        Plain("version"),
        Section("Neural tension tests", SideBySide(*neural, headings=("Left", "Right"))),
        Section(
            "Gluteal tests",
            SideBySide(*(_sides(t, label) for t, label in vocab.GLUTEAL_TESTS.choices())),
        ),
        Section(
            "Lumbar spine",
            _pair("step_off", "midline_sill"),
            _pair("extension_provokes", "flexion_relieves"),
            SideBySide(*(_sides(t, label) for t, label in vocab.LUMBAR_TESTS.choices())),
        ),
        Section(
            "Neurology",
            SideBySide(
                *(_sides(f"reflex_{r}", name) for r, name in vocab.REFLEXES.choices()),
                *(_sides(f"strength_{m}", name) for m, name in vocab.MUSCLES.choices()),
                *(_sides(f"sensation_{d}", f"Sensation {d}") for d in vocab.DERMATOMES.codes),
            ),
            _pair("sensation_saddle", "romberg"),
            SideBySide(
                _sides("heel_walk", "Heel walking"),
                _sides("toe_walk", "Toe walking"),
                _sides("plantar_response", "Plantar response (Babinski)"),
                _sides("ankle_clonus", "Ankle clonus (sustained, > 3 beats)"),
            ),
            _pair("wide_based_gait"),
        ),
        Section(
            "Circulation and temperature", _pair("pedal_pulses", "abi"), _pair("temperature_c")
        ),
        Section(
            "Imaging",
            _pair("imaging_modality", "imaging_disc_level"),
            _pair("imaging_stenosis", "imaging_listhesis"),
        ),
        Section(
            "History taken in the room",
            mark_safe(  # noqa: S308 (our own text)
                '<p class="form-text">Leave a question blank to keep the patient\'s own '
                "questionnaire answer (shown under each field).</p>"
            ),
            _pair("duration_weeks", "side"),
            _pair("onset", "trigger"),
            Choices("pain_regions"),
            _pair("leg_pain_worse_than_back", "neurogenic_claudication"),
            Choices("symptoms"),
            Choices("aggravating"),
            Choices("relieving"),
            _pair("leg_pain_now", "leg_pain_worst"),
            _pair("leg_pain_best", "back_pain_now"),
        ),
        Section(
            "Red-flag questions",
            *(_pair(*pair) for pair in _pairs([f"rf_{q}" for q in vocab.RED_FLAG_QUESTIONS.codes])),
        ),
        Section(
            "Conditions and contributing factors",
            Choices("conditions"),
            _pair("pregnant", "gestation_weeks"),
            Choices("contributing"),
        ),
        Section("TCM notes (optional)", _pair("tcm_tongue", "tcm_pulse"), "tcm_pattern"),
        Markup(submit("save", "Save exam")),
    )


def _pairs(names: list[str]) -> list[tuple[str, ...]]:
    return [tuple(names[i : i + 2]) for i in range(0, len(names), 2)]


def _order(name: str) -> Callable[[str], int]:
    field = ExamForm.base_fields[name]
    assert isinstance(field, forms.ChoiceField)  # only choice fields hold lists
    # Built from (code, words) pairs above; the stubs allow any kind of choices.
    choices = [value for value, _ in cast(list[tuple[str, str]], field.choices)]
    return lambda value: choices.index(value) if value in choices else len(choices)


def _words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_words(v)}" for k, v in value.items())
    return str(value).replace("_", " ")


def merge(
    base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The form after a conflict: field by field, the colleague's saved value, unless this
    practitioner changed that field since `base` (the version their form was opened at).

    Returns the form's initial values and, for each field the colleague changed, a row
    (label, before, theirs, yours, kept) saying which value the form now holds.
    """
    initial: dict[str, Any] = {}
    rows = []
    for spec in SPECS:
        before, their, your = (_get(parts, spec.path) for parts in (base, theirs, mine))
        kept = your if your != before else their
        if kept is not None:
            initial[spec.name] = spec.from_json(kept)
        if their != before:
            rows.append(
                {
                    "label": str(LABELS_BY_PATH[spec.path]),
                    "before": _shown(before),
                    "theirs": _shown(their),
                    "yours": _shown(your),
                    "kept": "same" if their == your else "yours" if kept == your else "theirs",
                }
            )
    return initial, rows


def _shown(value: Any) -> str:
    return "not recorded" if value is None else _words(value)


#: The fields of SPECS, made once: each form copies them (`Fields`), as Django copies
#: declared fields.
ExamForm.base_fields = ExamForm.declared_fields = Fields(
    {**ExamForm.base_fields, **{spec.name: spec.field() for spec in SPECS}}
)
#: The fields whose help text tells the patient's own questionnaire answer.
HISTORY_SPECS = [spec for spec in SPECS if spec.path[0] == "history"]
#: The layout, made once: its objects keep nothing of the form they render.
LAYOUT = _layout()
