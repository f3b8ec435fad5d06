"""Validated instruments and prediction rules: scoring, bands, change over time.

Each instrument carries its citation and its licence note, so the pages, the printed plan
and `docs/clinical-rules.md` all say where a number comes from and what its use requires.
Figures and rules are from the published sources each citation names (Fairbank 2000,
Roland & Morris 1983, Hill 2008, Patrick 1995 and Grøvle 2010, Childs 2005, Ostelo 2008,
Konno 2007, Cook 2011); the reliability tags ([R] read in the primary source, [S] read in
a secondary source only, [I] project decision, [U] unverified) are kept in the strings.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from intake.core import vocabulary
from intake.core.case import ODI_SECTIONS, SBI_ITEMS, Case
from intake.core.frozen import result


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    name: str
    citation: str
    licence: str
    scoring: str  # the scoring rule in one or two sentences, for the rules document


ODI = Instrument(
    "odi",
    "Oswestry Disability Index v2.1a (ODI)",
    "Fairbank JCT, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-2952.",
    "© Jeremy Fairbank 1980, distributed by Mapi Research Trust (ePROVIDE). Fees may apply "
    "to healthcare organisations and IT companies: request a licence before showing the "
    "statements in a commercial product.",
    "Ten sections scored 0-5; percent = sum / (5 x sections answered) x 100. A skipped "
    "section leaves the denominator; two boxes ticked: the highest counts [R]. Scored only "
    "when at least 8 sections are answered [I]. Bands: minimal <= 20, moderate <= 40, "
    "severe <= 60, crippled <= 80, bed-bound or exaggerating above 80 [R bands, I edges].",
)
RMDQ = Instrument(
    "rmdq",
    "Roland-Morris Disability Questionnaire (RMDQ, 24 items)",
    "Roland M, Morris R. Spine 1983;8(2):141-144; Roland M, Fairbank J. Spine "
    "2000;25(24):3115-3124.",
    "Roland & Fairbank 2000: no permission needed for the printed forms; terms for "
    "commercial software not found: confirm with the authors.",
    "Score = number of statements ticked, 0-24; 'not applicable' scores 0 [R/S]; a "
    "statement ticked twice counts once [I].",
)
START_BACK = Instrument(
    "start_back",
    "Keele STarT Back Screening Tool (SBST, 9 items)",
    "Hill JC, Dunn KM, Lewis M, et al. Arthritis Rheum 2008;59(5):632-641; Keele "
    "University, 'Using & scoring the SBST'.",
    "Copyright (©2021) University of Keele. No licence needed for non-commercial use; "
    "commercial products: contact the Keele Impact Accelerator Unit. Keep the copyright "
    "notice.",
    "Items 1-8 agree = 1; item 9 positive only for 'very much' or 'extremely'. Total 0-9, "
    "psychosocial subscale (items 5-9) 0-5. Total <= 3 low risk; else subscale <= 3 "
    "medium; else high [R]. Scored only when all nine items are answered [I].",
)
SBI = Instrument(
    "sbi",
    "Sciatica Bothersomeness Index (SBI)",
    "Patrick DL, Deyo RA, Atlas SJ, et al. Spine 1995;20(17):1899-1908 [U]; anchors: "
    "Grøvle L et al. Eur Spine J 2010;19:263-269.",
    "No licensing information found: ask the authors / Spine.",
    "Four items (leg pain, numbness or tingling, weakness, pain while sitting), each 0-6; "
    "total 0-24 [R]. Not scored when any item is missing [I].",
)
NPRS = Instrument(
    "nprs",
    "Numeric Pain Rating Scale (NPRS), leg and back",
    "Childs JD, Piva SR, Fritz JM. Spine 2005;30(11):1331-1334.",
    "No copyright holder found; a generic numeric scale [I].",
    "0 = no pain, 10 = worst imaginable; leg and back pain asked separately and reported as given.",
)
KONNO = Instrument(
    "konno_lss",
    "Konno lumbar spinal stenosis diagnostic support tool",
    "Konno S, Hayashino Y, Fukuhara S, et al. Eur Spine J 2007;16(11):1951-1957 "
    "(sens 92.8%, spec 72.0% at >= 7; weights from the Japanese version [S]).",
    "Published scoring rule; reproduction of the form not researched: ask before "
    "printing it verbatim.",
    "Age 60-69 +1, >= 70 +2; no diabetes +1; intermittent claudication +3; worse standing "
    "+2; relieved bending forward +3; provoked bending forward -1; provoked bending "
    "backward +1; ABI >= 0.9 +3; Achilles reflex reduced or absent +1; SLR positive -2. "
    "Range -3 to 16; >= 7 suggests LSS [S].",
)
COOK = Instrument(
    "cook_lss",
    "Cook five-item cluster for lumbar spinal stenosis",
    "Cook C, Brown C, Michael K, et al. Physiother Res Int 2011;16(3):170-178.",
    "Published scoring rule; reproduction not researched.",
    "One point each: bilateral symptoms; leg pain more than back pain; pain walking or "
    "standing; relief on sitting; age > 48. 0 of 5 supports ruling LSS out (LR- 0.19); "
    ">= 4 of 5 supports ruling it in (LR+ 4.6) [R].",
)
INSTRUMENTS = (ODI, RMDQ, START_BACK, SBI, NPRS, KONNO, COOK)


# --- ODI -------------------------------------------------------------------------------

ODI_MIN_SECTIONS = 8  # [I] Fairbank: "we rarely find responses to fewer than eight sections"

#: Band upper limits, inclusive (0-20 / 21-40 / 41-60 / 61-80 / 81-100). With ten or fewer
#: sections no percentage falls strictly between 20 and 21, so "<= 20" is the printed band.
ODI_BAND_LIMITS = (20, 40, 60, 80, 100)
ODI_BANDS = tuple(zip(ODI_BAND_LIMITS, vocabulary.ODI_BANDS.codes, strict=True))


@result
class OdiScore:
    sections_answered: int
    raw_sum: int
    max_possible: int
    percent: Fraction  # exact; shown to one decimal place
    band: str

    @property
    def fraction(self) -> str:
        return f"{self.raw_sum}/{self.max_possible}"


def odi_band(percent: Fraction | float) -> str:
    for upper, band in ODI_BANDS:
        if percent <= upper:
            return band
    return ODI_BANDS[-1][1]


def score_odi(
    answers: Mapping[str, int | Sequence[int] | None], min_sections: int = ODI_MIN_SECTIONS
) -> OdiScore | None:
    """Score ODI v2.1a; `None` ("not scored") when fewer than `min_sections` answered.

    A section is 0-5, `None` when skipped, or a sequence of the statements ticked when the
    patient ticked more than one (the highest counts: Fairbank, Mapi Research Trust).
    """
    unknown = set(answers) - set(ODI_SECTIONS)
    if unknown:
        raise ValueError(f"unknown ODI sections: {sorted(unknown)}")
    scores = []
    for section in ODI_SECTIONS:
        value = answers.get(section)
        if not isinstance(value, int) and isinstance(value, Sequence):  # int: the usual, quick
            value = max(value) if value else None
        if value is None:
            continue
        if not 0 <= value <= 5:
            raise ValueError(f"ODI {section} must be 0-5, not {value}")
        scores.append(value)
    answered = len(scores)
    if answered == 0 or answered < min_sections:
        return None  # never 0%: nothing answered is not "no disability"
    raw = sum(scores)
    percent = Fraction(100 * raw, 5 * answered)
    return OdiScore(answered, raw, 5 * answered, percent, odi_band(percent))


# --- RMDQ ------------------------------------------------------------------------------


def score_rmdq(ticked: Iterable[int], not_applicable: Iterable[int] = ()) -> int:
    """RMDQ score 0-24: statements ticked, each once; 'not applicable' counts as No."""
    items = set(ticked) - set(not_applicable)
    if any(not 1 <= i <= 24 for i in items):
        raise ValueError("RMDQ statements are numbered 1-24")
    return len(items)


# --- STarT Back ------------------------------------------------------------------------

START_BACK_BOTHERSOME = ("very_much", "extremely")  # item 9 positive only for these
START_BACK_PSYCHOSOCIAL = (5, 6, 7, 8, 9)


@result
class StartBackScore:
    total: int
    psychosocial: int
    risk: str


def score_start_back(
    items: Sequence[bool | None], bothersomeness: str | None
) -> StartBackScore | None:
    """Keele STarT Back: `items` are items 1-8 (True = agree), then item 9's answer.

    `None` when any item is unanswered: Keele gives no missing-item rule, and counting a
    missing answer as 'disagree' could hide a high-risk patient [I].
    """
    if len(items) != 8 or any(i is None for i in items) or bothersomeness is None:
        return None
    positive = {n for n, agree in enumerate(items, start=1) if agree}
    if bothersomeness in START_BACK_BOTHERSOME:
        positive.add(9)
    total = len(positive)
    psychosocial = len(positive.intersection(START_BACK_PSYCHOSOCIAL))
    if total <= 3:
        risk = "low"
    elif psychosocial <= 3:
        risk = "medium"
    else:
        risk = "high"
    return StartBackScore(total, psychosocial, risk)


# --- SBI -------------------------------------------------------------------------------


def score_sbi(items: Mapping[str, int | None]) -> int | None:
    """SBI total 0-24, or `None` when any of the four items is missing [I]."""
    values = [items.get(name) for name in SBI_ITEMS]
    if any(v is None for v in values):
        return None
    if any(not 0 <= v <= 6 for v in values if v is not None):
        raise ValueError("SBI items are 0-6")
    return sum(v for v in values if v is not None)


# --- Change over time: minimal important change -----------------------------------------

#: Ostelo 2008 consensus MIC, in each measure's own units; plus 30% from baseline.
MIC_ABSOLUTE = {"nprs": 2, "odi": 10, "rmdq": 5}
MIC_PERCENT = 30
MIC_SOURCE = (
    "Ostelo RWJG et al. Spine 2008;33(1):90-94: NRS 2, RMDQ 5, ODI 10 points, or a 30% "
    "improvement from baseline [R]"
)


@result
class ChangeScore:
    measure: str
    baseline: float
    followup: float
    abs_change: float  # improvement: baseline - follow-up (lower is better on all three)
    pct_change: float | None  # improvement as % of baseline; None when baseline is 0
    meets_absolute_mic: bool
    meets_30pct: bool


def change_score(measure: str, baseline: float, followup: float) -> ChangeScore:
    """Compare two scores against both MIC criteria; they can disagree, so report both."""
    if measure not in MIC_ABSOLUTE:
        raise ValueError(f"no minimal important change for {measure!r}")
    improvement = baseline - followup
    pct = None if baseline == 0 else 100 * improvement / baseline
    return ChangeScore(
        measure=measure,
        baseline=baseline,
        followup=followup,
        abs_change=improvement,
        pct_change=pct,
        meets_absolute_mic=improvement >= MIC_ABSOLUTE[measure],
        meets_30pct=pct is not None and pct >= MIC_PERCENT,
    )


# --- Konno LSS support tool ---------------------------------------------------------------

KONNO_CUTOFF = 7


@result
class KonnoInputs:
    age: int
    diabetes: bool
    ic: bool  # intermittent (neurogenic) claudication
    worse_standing: bool
    better_forward: bool
    induced_forward: bool
    induced_backward: bool
    abi_ge_09: bool
    atr_reduced: bool  # Achilles tendon reflex reduced or absent
    slr_pos: bool


@result
class KonnoScore:
    points: int
    suggests_lss: bool


def score_konno(k: KonnoInputs) -> KonnoScore:
    # Age: "60〜70歳未満 1点 / 70歳以上 2点" (Japanese version): age 70 scores 2 [U].
    points = 2 if k.age >= 70 else 1 if k.age >= 60 else 0
    points += 0 if k.diabetes else 1
    points += 3 * k.ic + 2 * k.worse_standing + 3 * k.better_forward
    points += -1 * k.induced_forward + 1 * k.induced_backward
    points += 3 * k.abi_ge_09 + 1 * k.atr_reduced - 2 * k.slr_pos
    return KonnoScore(points, points >= KONNO_CUTOFF)


def konno_inputs(case: Case) -> KonnoInputs | None:
    """The Konno items from a case, or `None` when the history items were not asked.

    Computed only when claudication, aggravating and relieving factors and the conditions
    list are all recorded [I]: otherwise "not asked" would silently score as "absent"
    (and an absent diabetes answer would add a point). Exam items not tested score 0.
    """
    h, e = case.history, case.exam
    if (
        h.neurogenic_claudication is None
        or h.aggravating is None
        or h.relieving is None
        or h.conditions is None
    ):
        return None
    # ABI >= 0.9 when measured; otherwise palpable foot pulses stand in for it [I].
    abi_ge_09 = e.abi >= 0.9 if e.abi is not None else e.pedal_pulses == "present"
    achilles = e.reflexes.get("achilles")
    lost = ("reduced", "absent")
    atr_reduced = achilles is not None and (achilles.left in lost or achilles.right in lost)
    # Positional, in the order of the fields: a class called with keywords costs a dict.
    return KonnoInputs(
        case.patient.age,
        "diabetes" in h.conditions,  # diabetes
        h.neurogenic_claudication,  # ic
        "standing" in h.aggravating,  # worse_standing
        "bending_forward" in h.relieving,  # better_forward
        "bending_forward" in h.aggravating,  # induced_forward
        "bending_backward" in h.aggravating or e.extension_provokes is True,  # induced_backward
        abi_ge_09,
        atr_reduced,
        bool(e.test_sides("slr", "positive")),  # slr_pos
    )


# --- Cook LSS cluster ------------------------------------------------------------------


@result
class CookInputs:
    bilateral_symptoms: bool
    leg_pain_more_than_back: bool
    pain_walking_standing: bool
    relief_sitting: bool
    age: int


@result
class CookScore:
    positive: int
    of: int = 5

    @property
    def interpretation(self) -> str:
        if self.positive >= 4:
            return "rule_in_supported"  # LR+ 4.6
        if self.positive == 0:
            return "rule_out_supported"  # sensitivity 0.96, LR- 0.19
        return "indeterminate"


def score_cook(c: CookInputs) -> CookScore:
    return CookScore(
        c.bilateral_symptoms
        + c.leg_pain_more_than_back
        + c.pain_walking_standing
        + c.relief_sitting
        + (c.age > 48)  # strictly older than 48
    )


def cook_inputs(case: Case) -> CookInputs:
    """The Cook items from a case; an item not asked counts as not positive."""
    h = case.history
    aggravating = h.aggravating or frozenset()
    return CookInputs(
        h.side == "both",  # bilateral_symptoms
        h.leg_pain_worse_than_back is True,  # leg_pain_more_than_back
        not aggravating.isdisjoint(("walking", "standing")),  # pain_walking_standing
        "sitting" in (h.relieving or frozenset()),  # relief_sitting
        case.patient.age,
    )


# --- all scores of one case ------------------------------------------------------------


@result
class Nprs:
    leg_now: int | None
    leg_worst: int | None
    leg_best: int | None
    back_now: int | None


@result
class Scores:
    odi: OdiScore | None
    rmdq: int | None
    start_back: StartBackScore | None
    sbi: int | None
    nprs: Nprs
    konno_lss: KonnoScore | None
    cook_lss: CookScore


def score_case(case: Case) -> Scores:
    q, h = case.questionnaires, case.history
    konno = konno_inputs(case)
    start_back = q.start_back
    return Scores(
        None if q.odi is None else score_odi(q.odi),
        None if q.rmdq is None else score_rmdq(q.rmdq),
        None
        if start_back is None
        else score_start_back(start_back.items, start_back.bothersomeness),
        None if q.sbi is None else score_sbi(q.sbi),
        Nprs(h.leg_pain_now, h.leg_pain_worst, h.leg_pain_best, h.back_pain_now),
        None if konno is None else score_konno(konno),
        score_cook(cook_inputs(case)),
    )
