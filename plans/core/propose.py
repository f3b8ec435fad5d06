"""Propose a treatment plan from an assessment. Pure: no models, no requests.

`propose_plan(assessment, case)` returns `None` unless the disposition is "treat" (a red
flag or a suspected non-spinal cause means a referral, not a plan). Otherwise it proposes:
modalities for the leading cause, what each condition excludes or makes a precaution
(with its reason and source), the dose (session length, visits per week, course length,
the visit at which to reassess), suggested points without those a condition forbids,
home exercises and self-care advice, and adjunct referrals.

Contraindications follow WHO 1999 (Guidelines on basic training and safety in
acupuncture), Sierpina 2005, Cummings 2011, McCulloch 2015, the AACP 2012 safe-practice
guidelines and the NZASA Code of Safe Practice; for cupping and gua sha only practitioner
lists were found [S], so those rows say so. The dose ranges are the clinic's own practice
[I], checked against NICE CG88 (2009: up to 10 sessions over up to 12 weeks) and Tu 2024
JAMA Intern Med (10 sessions over 4 weeks in chronic sciatica).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any

from intake.core import vocabulary
from intake.core.assessment import Findings
from intake.core.case import SIDES, Case
from intake.core.frozen import result
from intake.core.redflags import URGENCIES, URGENT_ADVICE, WHERE_TO_GO, unasked_questions

MODALITIES = vocabulary.MODALITIES.codes
NEEDLING = ("acupuncture", "electroacupuncture")
SKIN = ("cupping", "gua_sha")

# --- modalities by cause ------------------------------------------------------------------

ACUPUNCTURE_EVIDENCE = (
    "Lewis 2015 Spine J network meta-analysis; Tu 2024 JAMA Intern Med RCT; "
    "Qin 2015 and Ji 2015 reviews"
)
#: The trials are in sciatica, mostly from a herniated disc (Tu 2024); for the other
#: causes acupuncture is the clinic's practice, not a tested treatment.
UNTESTED_FOR_CAUSE = "no trial of acupuncture for this cause was read"
#: With no leading cause the GP decides on imaging: NG59 advises against routine imaging
#: outside specialist settings.
NG59_IMAGING = "NICE NG59 (no routine imaging in non-specialist settings)"


@dataclass(frozen=True)
class ModalityRow:
    cause: str | None  # None: no cause has enough support (indeterminate)
    modalities: tuple[str, ...]
    why: str
    source: str


MODALITY_ROWS: tuple[ModalityRow, ...] = (
    ModalityRow("disc_herniation", ("acupuncture", "electroacupuncture", "cupping"),
                "Needling for radicular pain; cupping for the lumbar and gluteal muscles",
                f"Clinic practice [I]; acupuncture: {ACUPUNCTURE_EVIDENCE}"),
    ModalityRow("spinal_stenosis", ("acupuncture", "electroacupuncture"),
                "Needling only: no skin technique is proposed for a bony narrowing",
                f"Clinic practice [I]; {UNTESTED_FOR_CAUSE}"),
    ModalityRow("deep_gluteal", MODALITIES,
                "Needling with cupping and gua sha over the gluteal muscles",
                f"Clinic practice [I]; {UNTESTED_FOR_CAUSE}"),
    ModalityRow("spondylolisthesis", ("acupuncture", "electroacupuncture"),
                "Needling only while the slip is assessed",
                f"Clinic practice [I]; {UNTESTED_FOR_CAUSE}"),
    ModalityRow(None, ("acupuncture",),
                "Cause not yet clear: manual acupuncture only, and a GP review",
                f"Project rule [I]; {NG59_IMAGING}"),
)  # fmt: skip
_MODALITIES_BY_CAUSE = {row.cause: row for row in MODALITY_ROWS}


# --- exclusions and precautions by condition -------------------------------------------


@dataclass(frozen=True)
class ConditionRule:
    """A row that applies when its condition `because` holds for the patient (see
    `conditions_held`: recorded in the history, or pregnancy and older age read from the
    patient's own answers)."""

    because: str  # the condition code: "pacemaker", "pregnancy", ...
    modalities: tuple[str, ...]
    excludes: bool  # True: the modality is not offered; False: a precaution
    why: str
    source: str

    @cached_property
    def excluded(self) -> tuple[Excluded, ...]:
        """The modalities the row excludes, as a plan lists them: made once, at import."""
        return tuple(Excluded(m, self.because, self.why, self.source) for m in self.modalities)

    @cached_property
    def precaution(self) -> Precaution:
        """The row as a plan's precaution: made once, shared by every plan it applies to."""
        return Precaution(self.modalities, self.because, self.why, self.source)


def _pregnant(c: Case) -> bool:
    # Weeks of gestation recorded still mean pregnant, even beside "not pregnant": the
    # safe reading of a contradiction [I].
    return c.patient.pregnant is True or c.patient.gestation_weeks is not None


#: From this age cupping is a precaution (thinner, more fragile skin) [I].
OLDER_AGE = 75


def conditions_held(case: Case) -> frozenset[str]:
    """The conditions the condition rows read: those recorded in the history, with
    "pregnancy" and "older_age" read from the patient (neither is a history condition)."""
    recorded = case.history.conditions or frozenset()
    pregnant, older = _pregnant(case), case.patient.age >= OLDER_AGE
    if not (pregnant or older):
        return recorded
    return recorded | {c for c, held in (("pregnancy", pregnant), ("older_age", older)) if held}


SIERPINA = "Sierpina 2005 South Med J 98:330"
WHO = "WHO 1999 Guidelines on basic training and safety in acupuncture, 2.1"
WHO_BLEEDING = "WHO 1999 Guidelines on basic training and safety in acupuncture, 2.4"
CUPPING_LIST = "Aboushanab 2018 via a practitioner site [S]"
GUA_SHA_LIST = "practitioner pages [S]"

CONDITION_RULES: tuple[ConditionRule, ...] = (
    ConditionRule("pacemaker", ("electroacupuncture",), True,
                  "Electrical stimulation can interfere with a pacemaker",
                  f"{SIERPINA}; Cummings 2011 Acupunct Med 29:83"),
    ConditionRule("implanted_electrical_device", ("electroacupuncture",), True,
                  "No electroacupuncture with an implanted stimulator or pump",
                  f"{SIERPINA}; Cummings 2011"),
    ConditionRule("pacemaker", ("acupuncture",), False,
                  "Do not needle near the device site", f"Project rule [I], after {SIERPINA}"),
    ConditionRule("pacemaker", ("cupping",), False,
                  "One source lists a pacemaker as an absolute contraindication to cupping: "
                  "keep cups well away from the device", CUPPING_LIST),
    ConditionRule("pregnancy", ("electroacupuncture",), True,
                  "No electroacupuncture in pregnancy (strong stimulation to be avoided)",
                  f"{WHO}; AACP 2012 safe practice guidelines"),
    ConditionRule("pregnancy", ("cupping",), True,
                  "No cupping over the lumbosacral region or abdomen in pregnancy, and the "
                  "sciatica treatment area is lumbosacral",
                  "Chinese practitioner sources (tcm-china.org); project rule [S/I]"),
    ConditionRule("pregnancy", ("gua_sha",), True,
                  "No gua sha over the lumbosacral region or abdomen in pregnancy",
                  GUA_SHA_LIST),
    ConditionRule("pregnancy", ("acupuncture",), False,
                  "Acupuncture can induce labour: only with great caution; avoid "
                  "lumbosacral and lower-abdominal points and the listed points",
                  f"{WHO}; AACP 2012 erratum"),
    ConditionRule("anticoagulants", SKIN, True,
                  "Anticoagulant or antiplatelet medicine: bruising and bleeding risk",
                  f"{CUPPING_LIST}; {GUA_SHA_LIST}; project rule [I]"),
    ConditionRule("anticoagulants", NEEDLING, False,
                  "Appears safe with appropriate needling location and depth",
                  "McCulloch 2015 Perm J 19:68 (1 moderate bleed in 3,974 treatments)"),
    ConditionRule("bleeding_disorder", MODALITIES, True,
                  "Bleeding disorder: no needling, cupping or gua sha unless the practitioner "
                  "records a reason (for example, the GP has confirmed a mild disorder)",
                  f"{WHO_BLEEDING}; {SIERPINA} (severe bleeding disorders excluded); "
                  f"{CUPPING_LIST}"),
    ConditionRule("skin_lesion_treatment_area", SKIN, True,
                  "Broken, infected or inflamed skin where the treatment would go",
                  f"{SIERPINA}; NZASA Code of Safe Practice"),
    ConditionRule("skin_lesion_treatment_area", NEEDLING, False,
                  "Do not needle into or through the lesion; choose points away from it",
                  f"{SIERPINA}; NZASA Code of Safe Practice"),
    ConditionRule("metal_allergy", NEEDLING, False,
                  "Nickel or metal allergy: use alternative needles (for example titanium)",
                  "Sakamoto 2025 case report; Grimalt 1979 [S]"),
    ConditionRule("needle_phobia", NEEDLING, True,
                  "Needle phobia: needling is not suitable", SIERPINA),
    ConditionRule("needle_phobia", SKIN, False,
                  "Offer cupping or gua sha case by case", f"Project rule [I], after {SIERPINA}"),
    ConditionRule("epilepsy", MODALITIES, False,
                  "Epilepsy: take care with every modality; uncontrolled epilepsy is listed "
                  "against electroacupuncture",
                  "practitioner sites [S]; a precaution, not a block: project rule [I]"),
    ConditionRule("diabetes", NEEDLING, False,
                  "Diabetes: take care with needling the feet and lower legs (circulation)",
                  "AACP-derived guidance [S]"),
    ConditionRule("lymphoedema_leg", MODALITIES, False,
                  "Do not treat the lymphoedematous leg", "AACP-derived guidance [S]"),
    ConditionRule("peripheral_vascular_disease", SKIN, False,
                  "Peripheral vascular disease: a relative contraindication to cupping",
                  CUPPING_LIST),
    ConditionRule("older_age", ("cupping",), False,
                  "Aged 75 or over: thinner, more fragile skin",
                  "Project rule (elderly: precaution); age 75 [I]"),
)  # fmt: skip


#: The rows by the condition they read, in table order (the order a plan lists them).
_ROWS_BECAUSE: dict[str, tuple[int, ...]] = {}
for _number, _rule in enumerate(CONDITION_RULES):
    _ROWS_BECAUSE[_rule.because] = (*_ROWS_BECAUSE.get(_rule.because, ()), _number)
_BECAUSE = frozenset(_ROWS_BECAUSE)


# --- points ----------------------------------------------------------------------------

#: Point code -> region. WHO 1999: avoid lumbosacral points throughout pregnancy.
POINT_REGIONS = {
    "EX-B2 (Huatuojiaji L4-S1)": "lumbosacral",
    "BL23": "lumbosacral",
    "BL25": "lumbosacral",
    "GV3": "lumbosacral",
    "BL31": "lumbosacral",
    "BL32": "lumbosacral",
    "BL54": "lumbosacral",
    "GB30": "buttock",
    "BL36": "thigh",
    "BL40": "knee",
    "GB34": "leg",
    "BL57": "leg",
    "GB39": "leg",
    "KI3": "ankle",
    "BL60": "ankle",
    "BL62": "ankle",
}
POINTS_BY_CAUSE: dict[str | None, tuple[str, ...]] = {
    "disc_herniation": ("EX-B2 (Huatuojiaji L4-S1)", "BL23", "BL25", "GB30", "BL36",
                        "BL40", "GB34", "BL57", "BL60"),
    "spinal_stenosis": ("EX-B2 (Huatuojiaji L4-S1)", "BL23", "BL25", "GV3", "BL40",
                        "GB34", "KI3"),
    "deep_gluteal": ("GB30", "BL54", "BL36", "BL40", "GB34"),
    "spondylolisthesis": ("EX-B2 (Huatuojiaji L4-S1)", "BL23", "GV3", "BL40", "BL60"),
    None: ("BL23", "GB30", "BL40", "GB34"),
}  # fmt: skip
#: Root level -> extra distal points along the affected dermatome [I].
POINTS_BY_ROOT = {"L4": ("ST36",), "L5": ("GB39",), "S1": ("BL62",)}
POINTS_SOURCE = "Clinic practice [I]: no trial of point selection was read"

#: The points suggested for each cause, with the root's distal points when the deficits
#: point to one root on one side, each point once: worked out once, at import.
_SUGGESTED = {
    (cause, level): tuple(dict.fromkeys(points + POINTS_BY_ROOT.get(level or "", ())))
    for cause, points in POINTS_BY_CAUSE.items()
    for level in (None, *POINTS_BY_ROOT)
}

#: AACP 2012 erratum: "Avoid LI4; SP6; BL60, 67; Sacral Foraminal points BL31, 32, 33, 34";
#: a page derived from the AACP adds LR3 and GB21 [S].
PREGNANCY_FORBIDDEN_POINTS = (
    "LI4", "SP6", "BL60", "BL67", "BL31", "BL32", "BL33", "BL34", "LR3", "GB21",
)  # fmt: skip
PREGNANCY_POINTS_SOURCE = "AACP 2012 erratum; AACP-derived page [S] (LR3, GB21); WHO 1999 2.1"


LUMBOSACRAL_POINTS = tuple(p for p, region in POINT_REGIONS.items() if region == "lumbosacral")


#: What a pregnant patient must not be needled at: the listed points, then the lumbosacral.
PREGNANCY_AVOID_POINTS = tuple(dict.fromkeys(PREGNANCY_FORBIDDEN_POINTS + LUMBOSACRAL_POINTS))


def forbidden_points(held: AbstractSet[str]) -> tuple[str, ...]:
    """Points this patient must not be needled at (`held`: `conditions_held`), with the
    lumbosacral ones in pregnancy."""
    return PREGNANCY_AVOID_POINTS if "pregnancy" in held else ()


# --- dose --------------------------------------------------------------------------------

SESSION_RANGE = (18, 25)
VISITS_PER_WEEK_RANGE = (1, 3)
TOTAL_VISITS_RANGE = (4, 12)
DOSE_SOURCE = (
    "Clinic practice [I]: 18-22 min while acute, 22-25 as it becomes chronic (no source "
    "read supports or contradicts the length; Cummings 2011: EA often 20-30 min); "
    "2-3 visits a week at the start of every course, whatever the chronicity, fewer a week "
    "only as the course goes on (Tu 2024 JAMA Intern Med: 10 sessions over 4 weeks in "
    "chronic disc sciatica; the clinics' 8-12 treatments for chronic patients); "
    "reassessment at visit 4-5, about week 2 (Tu 2024: arms apart from week 2)"
)
#: The reassessment visit: the 4th in a short course, the 5th from 10 visits (about
#: week 2 at 2-3 visits a week), and never the last visit of a 4-visit course.
REASSESS_VISIT, REASSESS_VISIT_LONG, LONG_COURSE = 4, 5, 10


@dataclass(frozen=True)
class DoseRow:
    """The dose for one stage; severity picks the column [I]."""

    chronicity: str
    session_minutes: int
    visits_per_week: int  # usual
    visits_per_week_severe: int
    total_visits_mild: int
    total_visits: int  # usual
    total_visits_severe: int


DOSE_ROWS: tuple[DoseRow, ...] = (
    DoseRow("acute", 20, 2, 3, 4, 6, 6),
    DoseRow("subacute", 22, 2, 3, 8, 8, 8),
    DoseRow("chronic", 25, 2, 3, 8, 10, 12),
)
_DOSE = {row.chronicity: row for row in DOSE_ROWS}
SEVERE = "leg NPRS 7 or more, or ODI above 40%"
MILD = "leg NPRS 3 or less, and not severe"


def severity(a: Findings, case: Case) -> str:
    """The severity column of the dose table: severe, mild or usual [I]."""
    leg = case.history.leg_pain_now
    odi = a.scores.odi
    if (leg is not None and leg >= 7) or (odi is not None and odi.percent > 40):
        return "severe"
    if leg is not None and leg <= 3:
        return "mild"
    return "usual"


@result
class Dose:
    session_minutes: int
    visits_per_week: int
    total_visits: int
    reassess_at_visit: int


def reassess_at(total_visits: int) -> int:
    """About week 2 (visit 4-5), before the course ends, whatever the chronicity [I]."""
    visit = REASSESS_VISIT_LONG if total_visits >= LONG_COURSE else REASSESS_VISIT
    return max(2, min(visit, total_visits - 1))


def dose(a: Findings, case: Case) -> Dose:
    """Session length, frequency and course length by chronicity and severity."""
    row = _DOSE[a.chronicity]
    level = severity(a, case)
    per_week = row.visits_per_week_severe if level == "severe" else row.visits_per_week
    if level == "severe":
        total = row.total_visits_severe
    elif level == "mild":
        total = row.total_visits_mild
    else:
        total = row.total_visits
    return Dose(row.session_minutes, per_week, total, reassess_at(total))


# Electroacupuncture, project rules [I]: 1-100 Hz (no source read gives a range), from
# 5 minutes up to the length of the session; the plan builder starts at 2 Hz.
EA_HZ_RANGE = (1, 100)
EA_MIN_MINUTES = 5
EA_DEFAULT_HZ = 2


def plan_problems(
    *,
    session_minutes: float | None,
    visits_per_week: float | None,
    total_visits: float | None,
    reassess_at_visit: float | None = None,
    electroacupuncture: Mapping[str, Any] | None = None,
) -> tuple[tuple[str, str], ...]:
    """(field, message) for each limit of the app a plan breaks; empty if it keeps them all.

    The one check of a plan's limits: the plan builder, `TreatmentPlan.clean()` and the
    proposal's tests all call it. Fields are the plan builder's. The dose is checked once
    all three of its values are given (a missing one is the form's "required"; a referral
    letter has none). `electroacupuncture` is the plan's modality entry when it is chosen
    (`{"frequency_hz": 2, "minutes": 20}`); its frequency and minutes are then required.
    """
    problems = []
    if session_minutes is not None and visits_per_week is not None and total_visits is not None:
        low, high = SESSION_RANGE
        if not low <= session_minutes <= high:
            problems.append(
                ("session_minutes", f"Out of range: session length must be {low}-{high} minutes.")
            )
        low, high = TOTAL_VISITS_RANGE
        if not low <= total_visits <= high:
            problems.append(("total_visits", f"Out of range: a course is {low}-{high} visits."))
        low, high = VISITS_PER_WEEK_RANGE
        if not low <= visits_per_week <= high:
            problems.append(("visits_per_week", f"Out of range: {low}-{high} visits a week."))
    reassess = reassess_at_visit
    if reassess is not None and total_visits is not None and not 1 <= reassess <= total_visits:
        problems.append(
            (
                "reassess_at_visit",
                f"The reassessment visit must be within the course (visit 1 to {total_visits}).",
            )
        )
    if electroacupuncture is not None:
        hz, minutes = electroacupuncture.get("frequency_hz"), electroacupuncture.get("minutes")
        low, high = EA_HZ_RANGE
        if hz is None or not low <= hz <= high:
            problems.append(("ea_frequency_hz", f"Give a frequency of {low}-{high} Hz."))
        if (
            minutes is None
            or session_minutes is None
            or not EA_MIN_MINUTES <= minutes <= session_minutes
        ):
            problems.append(
                (
                    "ea_minutes",
                    f"Electroacupuncture runs {EA_MIN_MINUTES} minutes up to the length of "
                    "the session.",
                )
            )
    return tuple(problems)


#: The longest visit the visit record takes: two hours, the needling and the talk with it.
MAX_VISIT_MINUTES = 120
#: What a visit's record times within the session, by the modality it belongs to.
WITHIN_THE_SESSION = {
    "acupuncture": ("retention_minutes", "The needles' retention"),
    "cupping": ("cupping_minutes", "Cupping"),
}


def visit_problems(
    *, session_minutes: int | None, given: Mapping[str, int | None]
) -> tuple[tuple[str, str], ...]:
    """(field, message) for each limit a visit's record breaks: the session at most
    `MAX_VISIT_MINUTES`, and what ran within it (`given`: modality -> its minutes, for the
    modalities given) no longer than the session. Fields are the visit form's."""
    problems = []
    if session_minutes is not None and session_minutes > MAX_VISIT_MINUTES:
        problems.append(
            ("session_minutes", f"A visit's session is {MAX_VISIT_MINUTES} minutes at most.")
        )
    for code, minutes in given.items():
        if code in WITHIN_THE_SESSION and session_minutes and minutes and minutes > session_minutes:
            field, what = WITHIN_THE_SESSION[code]
            problems.append(
                (
                    field,
                    f"{what} ({minutes} minutes) is longer than the session ({session_minutes} "
                    "minutes): check both.",
                )
            )
    return tuple(problems)


# --- exercises, advice, referrals ---------------------------------------------------------


def plan_facts(
    assessment: Findings, case: Case, cause: str | None, held: frozenset[str] | None = None
) -> set[str]:
    """The facts the exercise, advice and referral rows stand on (each row's `when` and
    `unless`), worked out once for the plan: the conditions held (`conditions_held`) and
    what the history and the scores say (`held`: the conditions, when already known)."""
    h = case.history
    facts = set(conditions_held(case) if held is None else held)
    add = facts.add
    contributing = h.contributing or ()
    if "sitting" in (h.aggravating or ()):
        add("worse sitting")
    if h.trigger == "lifting" or "heavy_manual_work" in contributing:
        add("lifting or heavy work")
    if "sedentary_work" in contributing or "poor_ergonomics" in contributing:
        add("desk work")
    if h.trigger == "sport":
        add("began with sport")
    scores = assessment.scores
    if scores.start_back is not None and scores.start_back.risk == "high":
        add("STarT Back high risk")
    if scores.odi is not None and scores.odi.percent > 40:
        add("ODI above 40%")
    if cause is None:
        add("no cause stands out")
    elif (
        cause == "disc_herniation"
        and assessment.chronicity != "acute"
        # No condition that rules out spinal manipulation (bleeding, thinners, bone).
        and (h.conditions is None or h.conditions.isdisjoint(MANIPULATION_UNSAFE))
    ):
        add("disc beyond the acute stage, manipulation safe")
    return facts


MANIPULATION_UNSAFE = ("bleeding_disorder", "anticoagulants", "osteoporosis")


@dataclass(frozen=True)
class SelfCareRow:
    kind: str  # "exercise" or "advice"
    text: str  # plain language, for the patient
    source: str  # what the suggestion rests on
    causes: tuple[str | None, ...]  # the plan's causes it is for (None: no cause stands out)
    when: str | None = None  # the fact (`plan_facts`) it needs; None: every plan of those causes
    unless: str | None = None  # the fact that leaves it out


def urgent_care_texts() -> tuple[str, ...]:
    """ "Where to go" with its signs, most urgent first: the words the printed box uses."""
    by_urgency: dict[str, list[str]] = {}
    for advice in URGENT_ADVICE:
        by_urgency.setdefault(advice.urgency, []).append(advice.sign)
    ordered = sorted(by_urgency.items(), key=lambda item: URGENCIES.index(item[0]))
    return tuple(
        f"{WHERE_TO_GO[u].rstrip('.')}, if you notice: {'; '.join(signs)}." for u, signs in ordered
    )


NG59_ACTIVE = "NICE NG59 (exercise and staying active; bed rest is never advised)"
# The five exercise trials, as their abstracts describe them: what each studied, not more.
SLIDERS = (
    "Ellis & Hing 2008 J Man Manip Ther 16(1):8-22 (neural mobilisation: a systematic review "
    "found limited evidence) [R abstract]"
)
WHITMAN = (
    "Whitman 2006 Spine 31(22):2541-2549 (stenosis trial: flexion exercise and walking was "
    "the comparison arm; adding manual therapy helped more people) [R abstract]"
)
PIRIFORMIS_STRETCH = (
    "Fishman 2002 Arch Phys Med Rehabil 83:295-301 (injection with physical therapy after a "
    "positive FAIR test; stretching alone not studied) [R abstract]"
)
TONLEY = (
    "Tonley 2010 J Orthop Sports Phys Ther 40(2):103-111 (hip strengthening and movement "
    "re-education: one patient, a case report) [R abstract]"
)
OSULLIVAN = (
    "O'Sullivan 1997 Spine 22(24):2959-2967 (trial of deep abdominal muscle training with "
    "lumbar multifidus in spondylolysis or spondylolisthesis) [R abstract]"
)
HOPAYIAN = "Hopayian 2010 Eur Spine J 19:2095"


#: The causes a plan can follow: each of the four, or none when no cause stands out.
EVERY_CAUSE: tuple[str | None, ...] = (*vocabulary.CAUSES.codes, None)


SELF_CARE: tuple[SelfCareRow, ...] = (
    # --- home exercises by cause: at least 3 each, with how often and when to stop; bed
    # rest is never advised (NICE NG59: stay active) --------------------------------------
    SelfCareRow("exercise", "Walk at an easy pace for 10 minutes 2 or 3 times a day, and a "
                "little further each week. Stop for the day if the pain spreads further down "
                "the leg.", f"{NG59_ACTIVE}; clinic practice [I]",
                ("disc_herniation", None)),
    SelfCareRow("exercise", "Sciatic nerve sliders: sit tall, straighten the painful knee while "
                "you look up, then bend it as you look down; 10 slow, easy movements, 2 or 3 "
                "times a day. Stop if the tingling or pain spreads further down the leg or "
                "stays worse afterwards.", f"Clinic practice [I]; {SLIDERS}",
                ("disc_herniation",)),
    SelfCareRow("exercise", "Lying on your back, knees bent, gently tighten your lower tummy "
                "muscles and hold for 10 seconds while you breathe; 10 times, once or twice a "
                "day. Stop if it brings on leg pain.", f"Clinic practice [I]; {NG59_ACTIVE}",
                ("disc_herniation", None), unless="pregnancy"),
    SelfCareRow("exercise", "When the leg pain flares, rest on your back with your knees bent "
                "and supported on a pillow for a few minutes, then get moving again: staying "
                "in bed slows recovery.", f"Clinic practice [I]; {NG59_ACTIVE}",
                ("disc_herniation",), unless="pregnancy"),
    # Lying flat on the back late in pregnancy can press on the large blood vessels.
    SelfCareRow("exercise", "When the leg pain flares, rest on your side with a pillow "
                "between your knees for a few minutes, then get moving again: staying in bed "
                "slows recovery.", f"Clinic practice [I]; side-lying in pregnancy; {NG59_ACTIVE}",
                ("disc_herniation",), "pregnancy"),
    SelfCareRow("exercise", "An exercise bike lets you keep fit while leaning slightly "
                "forward, which many people whose legs ache on walking find easier than "
                "walking upright: 10 to 20 minutes, 3 to 5 times a week. Stop and rest if "
                "your legs go numb or heavy.",
                "Tomkins-Lane 2016 (relief with a bicycle); Suri 2010 (bending forward)",
                ("spinal_stenosis",)),
    SelfCareRow("exercise", "Knee hugs: lying on your back, bring one knee and then both "
                "towards your chest and hold for 20 seconds; 5 times, twice a day. Stop if it "
                "brings on pain or numbness in the legs.",
                f"Suri 2010 (bending forward relieves, LR 6.4); clinic practice [I]; {WHITMAN}",
                ("spinal_stenosis",)),
    SelfCareRow("exercise", "Walk every day in short stretches, sitting or leaning forward to "
                "rest before the legs ache badly, and a little further each week. Stop and "
                "see your doctor if the distance you can walk keeps getting shorter.",
                f"Tomkins-Lane 2016; {NG59_ACTIVE}; clinic practice [I]",
                ("spinal_stenosis",)),
    SelfCareRow("exercise", "Piriformis stretch, the buttock stretch shown at the clinic: "
                "lying on your back, cross the ankle of the painful side over the other knee "
                "and draw that knee gently towards you until "
                "you feel a stretch deep in the buttock; hold 30 seconds, 3 times, twice a "
                "day. Never force it into pain, and stop if it sends pain down the leg.",
                f"Clinic practice [I]; {PIRIFORMIS_STRETCH}", ("deep_gluteal",)),
    SelfCareRow("exercise", "Hip strengthening: lying on your good side with your knees bent, "
                "lift the top knee like a clam shell while keeping your feet together; 10 "
                "slow repeats, once a day, building up to 3 sets. Stop if the buttock pain is "
                "worse the next day.", f"Clinic practice [I]; {TONLEY}", ("deep_gluteal",)),
    SelfCareRow("exercise", "Break up sitting: stand and walk for a minute or two every half "
                "hour, and avoid sitting on a wallet or a hard edge. Stop a drive or a meeting "
                "to stand if the buttock pain builds.", f"{HOPAYIAN} (worse on sitting); "
                "clinic practice [I]", ("deep_gluteal",)),
    SelfCareRow("exercise", "Deep tummy muscle training: lying on your back with your knees "
                "bent, draw your lower tummy gently in and hold 10 seconds while you breathe; "
                "10 times, twice a day, later while sitting and standing. Stop if it brings on "
                "back or leg pain.", f"{OSULLIVAN}; clinic practice [I]",
                ("spondylolisthesis",)),
    SelfCareRow("exercise", "Pelvic tilts: lying on your back with your knees bent, flatten "
                "your lower back gently onto the floor and relax; 10 times, twice a day. Stop "
                "if it is painful.", f"Clinic practice [I]; {OSULLIVAN}",
                ("spondylolisthesis",)),
    SelfCareRow("exercise", "Leave out exercises that arch your back backwards until we "
                "have checked how your back responds to them.",
                "Project rule [I]: extension-provoked pain counts for a slip",
                ("spondylolisthesis",)),
    SelfCareRow("exercise", "Walk at an easy pace for 10 to 20 minutes most days, and stop for "
                "the day if your back or leg pain is worse afterwards.",
                f"{NG59_ACTIVE}; clinic practice [I]", ("spondylolisthesis",)),
    SelfCareRow("advice", "If walking makes your legs ache or tire, sit down or lean forward "
                "(on a shopping trolley, for example) until it settles, then carry on.",
                "Suri 2010 (relief bending forward or seated); Tomkins-Lane 2016",
                ("spinal_stenosis",)),
    SelfCareRow("advice", "Sitting makes your pain worse: use a cushion on hard seats and get "
                "up to move about every half hour.", "Clinic practice [I]", EVERY_CAUSE,
                "worse sitting"),
    SelfCareRow("advice", "Lift with your knees bent and the load held close, and leave heavy "
                "lifting to others while your leg pain is high.",
                "Clinic practice [I]; Fairbank 2000 names advice on lifting", EVERY_CAUSE,
                "lifting or heavy work"),
    SelfCareRow("advice", "At a desk, stand up and move for a minute or two every half hour.",
                "Clinic practice [I]; Fairbank 2000 names advice on sitting", EVERY_CAUSE,
                "desk work"),
    SelfCareRow("advice", "Build running or sport back up gradually, starting below the level "
                "that brought the pain on.", "Clinic practice [I]", EVERY_CAUSE,
                "began with sport"),
    SelfCareRow("advice", "Note your leg pain from 0 to 10 each evening and bring the notes "
                "to your visits: they show how the treatment is going.",
                "Childs 2005; Ostelo 2008 (a 2-point change matters)", EVERY_CAUSE),
    # The urgent signs in the same words and places as the printed box and the patient's
    # on-screen advice (redflags.URGENT_ADVICE): one text, read from one table.
    *(SelfCareRow("advice", text, "NHS Lothian; NHS Gloucestershire; NICE CKS (red flags)",
                  EVERY_CAUSE) for text in urgent_care_texts()),
    SelfCareRow("advice", "NICE guidance in England (NG59) does not recommend acupuncture "
                "for low back pain or sciatica; what trials found for your kind of sciatica "
                "is under \"About the evidence\". We check your progress at the "
                "reassessment visit and suggest other care if it is not helping.",
                "NICE NG59 (2016, 2020); the evidence rows below", EVERY_CAUSE),
)  # fmt: skip
#: Each cause's self-care rows, in table order, as (an exercise?, text, when, unless).
_SELF_CARE_FOR = {
    cause: tuple(
        (row.kind == "exercise", row.text, row.when, row.unless)
        for row in SELF_CARE
        if cause in row.causes
    )
    for cause in EVERY_CAUSE
}


@dataclass(frozen=True)
class EvidenceRow:
    """What the trials say for one cause, in plain words, as printed for the patient."""

    cause: str | None
    chronic: bool | None  # None: whatever the chronicity
    text: str
    source: str


TU_2024 = "Tu 2024 JAMA Intern Med 184:1417 (sham-controlled, chronic disc sciatica)"
NO_SHAM_TRIAL = (
    "No trial has compared acupuncture with sham treatment for this cause of sciatica: we "
    "offer it as our clinic's practice, not as a tested treatment."
)
EVIDENCE_ROWS: tuple[EvidenceRow, ...] = (
    EvidenceRow("disc_herniation", True, "A trial in sciatica from a disc lasting more than "
                "3 months found that acupuncture eased leg pain and disability more than sham "
                "(pretend) acupuncture; this is one trial, and the evidence is limited.",
                f"{TU_2024}; Lewis 2015 Spine J (very low validity)"),
    EvidenceRow("disc_herniation", False, "The trial that compared acupuncture with sham "
                "(pretend) acupuncture was in sciatica from a disc lasting more than 3 months; "
                "for sciatica of a few weeks there is no such trial.", TU_2024),
    *(EvidenceRow(cause, None, NO_SHAM_TRIAL, f"{UNTESTED_FOR_CAUSE}; {TU_2024} (disc only)")
      for cause in ("spinal_stenosis", "deep_gluteal", "spondylolisthesis", None)),
)  # fmt: skip
NICE_NOT_RECOMMENDED = (
    "The NICE guideline for England (NG59, 2016, updated 2020) does not recommend acupuncture "
    "for low back pain with or without sciatica. You can stop at any time."
)


def evidence_text(cause: str | None, chronicity: str) -> str:
    """The sentence on the evidence for this cause, with NICE's position after it."""
    chronic = chronicity == "chronic"
    row = next(r for r in EVIDENCE_ROWS if r.cause == cause and r.chronic in (None, chronic))
    return f"{row.text} {NICE_NOT_RECOMMENDED}"


@dataclass(frozen=True)
class ReferralRow:
    to: str  # physiotherapy, chiropractic, gp
    why: str
    source: str
    when: str  # the fact (`plan_facts`) it stands on

    @cached_property
    def referral(self) -> Referral:
        """The row as a plan's referral: made once, shared by every plan it applies to."""
        return Referral(self.to, self.why, self.source)


REFERRAL_ROWS: tuple[ReferralRow, ...] = (
    ReferralRow("physiotherapy", "STarT Back high risk: physiotherapy that addresses the "
                "psychosocial factors as well", "NICE NG59 rec 1.1.2; Hill 2008",
                "STarT Back high risk"),
    ReferralRow("chiropractic", "Disc-related sciatica beyond the acute stage: spinal "
                "manipulation improved overall recovery in a network meta-analysis of studies "
                "of very low validity (never proposed with a bleeding disorder, blood "
                "thinners or osteoporosis)",
                "Lewis 2015 Spine J 15:1461; the stage is [I]; manipulation contraindications: "
                "WHO 2005 Guidelines on basic training and safety in chiropractic",
                "disc beyond the acute stage, manipulation safe"),
    ReferralRow("gp", "ODI above 40%: Fairbank advises a detailed investigation",
                "Fairbank 2000 (ODI bands)", "ODI above 40%"),
    ReferralRow("gp", "No cause stands out: consider review and imaging",
                f"Project rule [I]; {NG59_IMAGING}", "no cause stands out"),
    ReferralRow("gp", "Bleeding disorder: ask the GP how severe it is before any treatment",
                f"{WHO_BLEEDING}; {SIERPINA}",
                "bleeding_disorder"),
)  # fmt: skip
REFERRAL_ORDER = vocabulary.REFERRAL_TARGETS.codes
_REFERRAL_RANK = {to: rank for rank, to in enumerate(REFERRAL_ORDER)}


def _referral_rank(referral: Referral) -> int:
    return _REFERRAL_RANK[referral.to]


# --- the proposal ------------------------------------------------------------------------


# Excluded, Precaution and Referral are made once per table row and shared by every plan
# that lists them; so are their documents, which each plan's document copies.


@dataclass(frozen=True)
class Excluded:
    modality: str
    because: str
    why: str
    source: str

    @cached_property
    def document(self) -> dict[str, Any]:
        return {"modality": self.modality, "because": self.because, "why": self.why,
                "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class Precaution:
    modalities: tuple[str, ...]
    because: str
    why: str
    source: str


@dataclass(frozen=True)
class Referral:
    to: str
    why: str
    source: str

    @cached_property
    def document(self) -> dict[str, Any]:
        return {"to": self.to, "why": self.why, "source": self.source}


@result
class PlanProposal:
    cause: str | None  # the cause the plan follows; None when indeterminate
    modalities: tuple[str, ...]
    excluded: tuple[Excluded, ...]
    precautions: tuple[Precaution, ...]
    session_minutes: int
    visits_per_week: int
    total_visits: int
    reassess_at_visit: int
    points: tuple[str, ...]
    avoid_points: tuple[str, ...]
    exercises: tuple[str, ...]
    advice: tuple[str, ...]
    referrals: tuple[Referral, ...]

    def to_dict(self) -> dict[str, Any]:
        excluded, precautions, referrals, reasons = [], [], [], []
        for e in self.excluded:
            excluded.append(e.document.copy())  # its own copy: a document is the caller's
        for p in self.precautions:
            precautions.append(
                {"modalities": list(p.modalities), "because": p.because, "why": p.why,
                 "source": p.source}
            )  # fmt: skip
        for r in self.referrals:
            if r.to not in referrals:  # each place once, in the order of the reasons
                referrals.append(r.to)
            reasons.append(r.document.copy())
        return {
            "cause": self.cause,
            "modalities": list(self.modalities),
            "excluded": excluded,
            "precautions": precautions,
            "session_minutes": self.session_minutes,
            "visits_per_week": self.visits_per_week,
            "total_visits": self.total_visits,
            "reassess_at_visit": self.reassess_at_visit,
            "points": list(self.points),
            "avoid_points": list(self.avoid_points),
            "exercises": list(self.exercises),
            "advice": list(self.advice),
            "referrals": referrals,
            "referral_reasons": reasons,
        }


NO_MODALITY_WHY = "None of the clinic's treatments suits the conditions recorded"
NO_MODALITY_REFERRAL = Referral("physiotherapy", NO_MODALITY_WHY, "clinic practice [I]")
#: Until the health questions are answered, the gate fails safe: manual acupuncture only,
#: and the plan says what must be asked first [I, after WHO 1999 section 2].
ASK_FIRST = (
    "The health questions have not been answered: ask about a pacemaker or implanted "
    "device, blood thinners, a bleeding disorder, pregnancy, skin problems where you "
    "would treat and needle phobia before anything but manual acupuncture"
)
ASK_FIRST_SOURCE = f"Project rule [I], after {WHO} and {SIERPINA}"
CONDITIONS_NOT_ASKED = Precaution(
    ("acupuncture",), "conditions_not_asked", ASK_FIRST, ASK_FIRST_SOURCE
)
#: What the gate excludes until the health questions are answered: all but manual acupuncture.
EXCLUDED_UNTIL_ASKED = tuple(
    Excluded(m, "conditions_not_asked", ASK_FIRST, ASK_FIRST_SOURCE)
    for m in MODALITIES
    if m != "acupuncture"
)


def plan_withheld(case: Case) -> bool:
    """No plan is proposed until every red-flag question has been answered (NICE CKS: ask
    each one explicitly; project rule [I]): the screen comes before any treatment."""
    return bool(unasked_questions(case))


def propose_plan(assessment: Findings, case: Case) -> PlanProposal | None:
    """The proposed plan, or `None` when the assessment refers instead of treating."""
    if assessment.disposition != "treat" or plan_withheld(case):
        return None
    cause = assessment.leading_cause
    wanted = _MODALITIES_BY_CAUSE[cause].modalities

    conditions = case.history.conditions
    held = conditions_held(case)
    excluded: list[Excluded] = []
    precautions: list[Precaution] = []
    for number in sorted(chain.from_iterable(map(_ROWS_BECAUSE.__getitem__, held & _BECAUSE))):
        rule = CONDITION_RULES[number]
        if rule.excludes:
            excluded += rule.excluded
        else:
            precautions.append(rule.precaution)
    if conditions is None:
        excluded += EXCLUDED_UNTIL_ASKED
    modalities = wanted
    if excluded:
        barred = {e.modality for e in excluded}
        modalities = tuple([m for m in wanted if m not in barred])
        if not modalities:  # e.g. needle phobia: offer what is left, case by case
            modalities = tuple([m for m in SKIN if m not in barred])
    offered = set(modalities)
    if precautions:
        precautions = [p for p in precautions if not offered.isdisjoint(p.modalities)]

    avoid = forbidden_points(held)
    root = assessment.root
    points: tuple[str, ...] = ()
    if not offered.isdisjoint(NEEDLING):
        points = _SUGGESTED[cause, root.level if root.side in SIDES else None]
        if avoid:
            points = tuple([p for p in points if p not in avoid])

    facts = plan_facts(assessment, case, cause, held)
    exercises: list[str] = []
    advice: list[str] = []
    for exercise, text, when, unless in _SELF_CARE_FOR[cause]:
        if (when is None or when in facts) and (unless is None or unless not in facts):
            (exercises if exercise else advice).append(text)
    referrals = [r.referral for r in REFERRAL_ROWS if r.when in facts]
    if not modalities:
        referrals.append(NO_MODALITY_REFERRAL)
    if conditions is None:
        precautions.append(CONDITIONS_NOT_ASKED)
    if len(referrals) > 1:
        referrals.sort(key=_referral_rank)  # stable: table order within

    d = dose(assessment, case)
    # Positional, in the order of the fields: a class called with keywords costs a dict.
    return PlanProposal(
        cause,
        modalities,
        tuple(excluded),
        tuple(precautions),
        d.session_minutes,
        d.visits_per_week,
        d.total_visits,
        d.reassess_at_visit,
        points,
        avoid,
        tuple(exercises),
        tuple(advice),
        tuple(referrals),
    )
