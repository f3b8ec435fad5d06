"""Rank the four causes of sciatica from one case. Pure: no models, no requests.

Each row of `CAUSE_RULES` adds points to one cause when its finding is present (negative
points are evidence against). Every cause is scored, ranked best first; ties follow the
fixed order of `CAUSES`, never chance. The weights are a project decision [I] guided by
published accuracy figures (Devillé 2000 and van der Windt 2010 for the SLR, Konno 2007,
Cook 2011 and Suri 2010 for stenosis, Hopayian 2010 and Martin 2014 for the deep gluteal
syndrome, Collaer 2006 and Ahn & Jhun 2015 for spondylolisthesis): a finding with a high
likelihood ratio weighs more; a sensitive test that comes back negative counts against.
The rows that no study supports say "Project rule [I]". It is a decision aid for the
practitioner, not a validated algorithm.

`ROOT_RULES` read the likely nerve root (L4, L5, S1) from reflexes, myotomes, dermatomes
and heel/toe walking (Harrison's, Engstrom & Deyo, "Lumbosacral radiculopathy").
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import Any

from intake.core import vocabulary
from intake.core.case import SIDE_TESTS, SIDES, Case, Exam, History
from intake.core.frozen import result
from intake.core.instruments import KONNO_CUTOFF, Scores
from intake.core.redflags import upper_motor_neuron_signs

#: The four causes, in the fixed order that breaks ties.
CAUSES = vocabulary.CAUSES.codes
CAUSE_NAMES = dict(vocabulary.CAUSES.choices())

#: Likelihood words by points [I]: at least 6 likely, 3 to 5 possible, less unlikely.
LIKELY_FROM = 6
POSSIBLE_FROM = 3

HARRISON = "Harrison's 19th ed., Engstrom & Deyo, 'Lumbosacral radiculopathy' table"
BELOW_KNEE = frozenset({"shin", "calf", "foot", "toes"})


# --- chronicity ------------------------------------------------------------------------

ACUTE_BEFORE_WEEKS = 6
CHRONIC_AFTER_WEEKS = 12
CHRONICITY_SOURCE = "Project convention [I]: acute < 6 weeks, subacute 6-12, chronic > 12"


def chronicity(duration_weeks: float) -> str:
    if duration_weeks < ACUTE_BEFORE_WEEKS:
        return "acute"
    if duration_weeks <= CHRONIC_AFTER_WEEKS:
        return "subacute"
    return "chronic"


# --- root level ------------------------------------------------------------------------


@dataclass(frozen=True)
class RootRule:
    """One deficit that points to a root. The finding says what is read: a reflex or a
    dermatome's sensation reduced or absent, a muscle graded below 5/5, the femoral nerve
    stretch positive, heel or toe walking difficult."""

    level: str  # L4, L5, S1
    finding: str
    why: str
    source: str


LOST = ("reduced", "absent")  # a reflex or a dermatome's sensation
WEAK = frozenset(range(5))  # MRC grades below 5 (a grade is a whole number, 0-5)
DIFFICULT = ("difficult",)  # heel or toe walking


SCREENS = "AccessEmergencyMedicine functional screens [S]"

ROOT_RULES: tuple[RootRule, ...] = (
    RootRule("L4", "exam.reflexes.patellar", "Knee (patellar) reflex reduced or absent",
             HARRISON),
    RootRule("L4", "exam.strength.knee_extension", "Weak knee extension (quadriceps)",
             HARRISON),
    RootRule("L4", "exam.sensation.L4", "Reduced sensation over the medial calf (L4)",
             HARRISON),
    RootRule("L4", "exam.femoral_nerve_stretch", "Positive femoral nerve stretch "
             "(reverse SLR)", HARRISON),
    RootRule("L5", "exam.strength.ankle_dorsiflexion", "Weak ankle dorsiflexion "
             "(tibialis anterior)", HARRISON),
    RootRule("L5", "exam.strength.great_toe_extension", "Weak great toe extension (EHL)",
             HARRISON),
    RootRule("L5", "exam.strength.hip_abduction", "Weak hip abduction (gluteus medius)",
             HARRISON),
    RootRule("L5", "exam.sensation.L5", "Reduced sensation over the dorsum of the foot and "
             "lateral calf (L5)", HARRISON),
    RootRule("L5", "exam.heel_walk", "Difficulty walking on the heel", SCREENS),
    RootRule("S1", "exam.reflexes.achilles", "Ankle (Achilles) reflex reduced or absent",
             HARRISON),
    RootRule("S1", "exam.strength.ankle_plantarflexion", "Weak ankle plantarflexion "
             "(gastrocnemius/soleus)", HARRISON),
    RootRule("S1", "exam.sensation.S1", "Reduced sensation over the sole and lateral foot "
             "(S1)", HARRISON),
    RootRule("S1", "exam.toe_walk", "Difficulty walking on the toes", SCREENS),
)  # fmt: skip

#: The nerve roots the assessment can name: the dermatomes tested.
ROOT_LEVELS = vocabulary.DERMATOMES.codes


@result
class Root:
    level: str | None  # None when the findings do not point to one root
    side: str | None  # left, right, both; None when unknown
    evidence: tuple[str, ...]  # "exam.reflexes.achilles.right: Ankle reflex reduced ..."


#: The answer when the deficits point to no one root, by the history's side: the same
#: frozen answer for every such case.
_NO_ROOT = {side: Root(None, side, ()) for side in (None, "left", "right", "both")}


#: The rows by what they read: a reflex, a muscle or a dermatome by its name.
_ROW_OF: dict[str, dict[str, int]] = {"reflexes": {}, "strength": {}, "sensation": {}}
for _number, _row in enumerate(ROOT_RULES):
    _part, _, _name = _row.finding.removeprefix("exam.").partition(".")
    if _name:
        _ROW_OF[_part][_name] = _number
_OTHER = {r.finding: n for n, r in enumerate(ROOT_RULES) if r.finding.count(".") == 1}
_LEVEL = tuple(r.level for r in ROOT_RULES)


def _deficits(e: Exam) -> list[tuple[int, str]]:
    """(row number, side) of each deficit found, in table order, left before right: only
    what was examined is read."""
    hits: list[tuple[int, str]] = []
    for part, findings, abnormal in (
        ("reflexes", e.reflexes, LOST),
        ("strength", e.strength, WEAK),
        ("sensation", e.sensation, LOST),
    ):
        if findings:
            rows = _ROW_OF[part]
            for name, found in findings.items():
                number = rows.get(name)
                if number is not None:
                    if found.left in abnormal:
                        hits.append((number, "left"))
                    if found.right in abnormal:
                        hits.append((number, "right"))
    if "femoral_nerve_stretch" in e.tests:
        number = _OTHER["exam.femoral_nerve_stretch"]
        hits += [(number, side) for side in e.test_sides("femoral_nerve_stretch", "positive")]
    for finding, walk in (("exam.heel_walk", e.heel_walk), ("exam.toe_walk", e.toe_walk)):
        if walk is not None:
            if walk.left in DIFFICULT:
                hits.append((_OTHER[finding], "left"))
            if walk.right in DIFFICULT:
                hits.append((_OTHER[finding], "right"))
    hits.sort()
    return hits


def find_root(case: Case) -> Root:
    """The one root the deficits point to; `None` when none do, two tie, or the same
    deficits are found on both sides."""
    hits = _deficits(case.exam)
    history_side = case.history.side if case.history.side in ("left", "right", "both") else None
    if not hits:
        return _NO_ROOT[history_side]
    count = dict.fromkeys(ROOT_LEVELS, 0)
    for number, _ in hits:
        count[_LEVEL[number]] += 1
    best = max(count.values())
    leaders = [level for level in ROOT_LEVELS if count[level] == best]
    if len(leaders) > 1:
        return _NO_ROOT[history_side]
    level = leaders[0]
    found: list[tuple[RootRule, str]] = []
    left: set[int] = set()  # the rows found on each side
    right: set[int] = set()
    sides: set[str] = set()
    for number, side in hits:
        if _LEVEL[number] == level:
            found.append((ROOT_RULES[number], side))
            (left if side == "left" else right).add(number)
            sides.add(side)
    if left and left == right:
        # The same deficits on both sides (e.g. both ankle reflexes reduced, common with
        # age and in stenosis) do not point to one compressed root [I].
        return _NO_ROOT["both"]
    side = sides.pop() if len(sides) == 1 else "both"
    evidence = tuple([f"{rule.finding}.{side}: {rule.why}" for rule, side in found])
    return Root(level, side, evidence)


# --- the facts the cause rules read ------------------------------------------------------

#: Each fact a cause row can name, as a clinician would say it; `facts_of` works out which
#: hold for one case, once, and every row reads them from that set.
FACTS: dict[str, str] = {
    **{f"{t} positive": f"{t} positive on at least one side" for t in SIDE_TESTS},
    **{f"{t} negative": f"{t} done and negative on every side tested" for t in SIDE_TESTS},
    "L4 root": "the deficits point to L4 (the L3-4 roots), where the SLR is insensitive",
    "one root, one side": "the deficits point to one root, on one side",
    "root found": "the deficits point to a nerve root",
    "leg pain worse than back": "history.leg_pain_worse_than_back is yes",
    "back pain worse than leg": "history.leg_pain_worse_than_back is no",
    "pain below the knee": "a pain region below the knee (shin, calf, foot, toes)",
    "buttock pain": "buttock among the pain regions",
    "no back pain": "pain regions recorded without the low back, no back pain now",
    "neurogenic claudication": "history.neurogenic_claudication is yes",
    "no neurogenic claudication": "history.neurogenic_claudication is no",
    "both legs": "history.side is both",
    "worse sitting": "sitting among the aggravating factors",
    "relieved sitting": "sitting among the relieving factors",
    "Konno not scored": "the Konno support tool could not be scored",
    "Konno 7 or more": f"the Konno support tool scored {KONNO_CUTOFF} or more",
    "Konno 5 or less": "the Konno support tool scored 5 or less",
    "Konno symptom": "claudication or relief bending forward (Konno's specific items)",
    "Cook 4 or more": "the Cook cluster 4 or 5 of 5",
    "Cook rules out": "the Cook cluster 0 of 5, with every item it reads asked",
    "Cook used": "the Konno tool not scored and the Cook cluster rules in or out: the "
    "cluster holds both legs, sitting relief and age",
    "no score holds age": "neither the Konno tool nor the Cook cluster counts age",
    "bending forward relieves, not in Konno": "relieved by bending forward (history, when "
    "the Konno tool, which holds it, was not scored; or on examination)",
    "extension provokes": "back extension brings on the pain (examination or history)",
    "older than 70": "patient.age above 70",
    "younger than 60": "patient.age below 60",
    "wide-based gait": "exam.wide_based_gait is yes",
    "abnormal Romberg": "exam.romberg is abnormal",
    "upper-motor-neuron signs": "signs of a cord lesion (see redflags.upper_motor_neuron_signs)",
    "neurological exam normal": "reflexes and strength examined, nothing abnormal in any "
    "neurological finding",
    "step-off present": "exam.step_off is present",
    "step-off absent": "exam.step_off is absent",
    "midline sill present": "exam.midline_sill is present",
    "imaged disc herniation": "imaging names a disc herniation level",
    "imaged stenosis": "imaging shows moderate or severe stenosis",
    "imaged slip": "imaging shows a slip of Meyerding grade 1 or more",
}
_POSITIVE = {t: f"{t} positive" for t in SIDE_TESTS}
_NEGATIVE = {t: f"{t} negative" for t in SIDE_TESTS}


def neuro_exam_normal(e: Exam) -> bool:
    """Reflexes and strength examined, and nothing abnormal in any neuro finding."""
    if not e.reflexes or not e.strength:
        return False
    for reflex in e.reflexes.values():
        if reflex.left not in (None, "normal") or reflex.right not in (None, "normal"):
            return False
    for grade in e.strength.values():
        if grade.left not in (None, 5) or grade.right not in (None, 5):
            return False
    for feeling in e.sensation.values():
        if feeling.left not in (None, "normal") or feeling.right not in (None, "normal"):
            return False
    for walk in (e.heel_walk, e.toe_walk):
        if walk is not None and "difficult" in (walk.left, walk.right):
            return False
    return True


def no_back_pain(h: History) -> bool:
    """Pain regions recorded without the low back, and no back pain now (or none given)."""
    return (
        h.pain_regions is not None
        and "low_back" not in h.pain_regions
        and (h.back_pain_now in (None, 0))
    )


def cook_items_asked(h: History) -> bool:
    """All the history items the Cook cluster reads were recorded (age always is)."""
    return None not in (h.side, h.leg_pain_worse_than_back, h.aggravating, h.relieving)


def konno_symptom(h: History) -> bool:
    """One of Konno's stenosis-specific items is present: claudication (Suri LR 3.7) or
    relief bending forward (LR 6.4). Pulses, no diabetes and worse standing are true
    of many people without stenosis."""
    return h.neurogenic_claudication is True or "bending_forward" in (h.relieving or ())


def facts_of(case: Case, scores: Scores, root: Root) -> set[str]:
    """The facts (`FACTS`) that hold for one case: each side test's results and each
    derived finding worked out once for all the rows. Written out as plain conditions: a
    row then costs a set lookup, not a call."""
    facts: set[str] = set()
    add = facts.add
    for test, sided in case.exam.tests.items():
        left, right = sided.left, sided.right
        results = (None if left is None else left.result, None if right is None else right.result)
        if "positive" in results:
            add(_POSITIVE[test])
        elif "negative" in results:
            add(_NEGATIVE[test])
    h, e, age = case.history, case.exam, case.patient.age
    if root.level is not None:
        add("root found")
        if root.level == "L4":
            add("L4 root")
        if root.side in SIDES:
            add("one root, one side")
    if h.leg_pain_worse_than_back is True:
        add("leg pain worse than back")
    elif h.leg_pain_worse_than_back is False:
        add("back pain worse than leg")
    regions, aggravating = h.pain_regions or NOTHING, h.aggravating or NOTHING
    relieving = h.relieving or NOTHING
    if not regions.isdisjoint(BELOW_KNEE):
        add("pain below the knee")
    if "buttock" in regions:
        add("buttock pain")
    if no_back_pain(h):
        add("no back pain")
    if h.neurogenic_claudication is True:
        add("neurogenic claudication")
    elif h.neurogenic_claudication is False:
        add("no neurogenic claudication")
    if h.side == "both":
        add("both legs")
    if "sitting" in aggravating:
        add("worse sitting")
    if "sitting" in relieving:
        add("relieved sitting")
    konno = scores.konno_lss
    cook = scores.cook_lss.positive
    if konno is None:
        add("Konno not scored")
        if cook >= 4:
            add("Cook 4 or more")
        if cook == 0 and cook_items_asked(h):
            add("Cook rules out")
        if cook >= 4 or "Cook rules out" in facts:
            add("Cook used")
        else:
            add("no score holds age")
        if "bending_forward" in relieving:
            add("bending forward relieves, not in Konno")
    else:
        if konno.points >= KONNO_CUTOFF:
            add("Konno 7 or more")
        elif konno.points <= 5:
            add("Konno 5 or less")
    if konno_symptom(h):
        add("Konno symptom")
    if e.flexion_relieves is True:
        add("bending forward relieves, not in Konno")
    if e.extension_provokes is True or "bending_backward" in aggravating:
        add("extension provokes")
    if age > 70:
        add("older than 70")
    elif age < 60:
        add("younger than 60")
    if e.wide_based_gait is True:
        add("wide-based gait")
    if e.romberg == "abnormal":
        add("abnormal Romberg")
    if (e.wide_based_gait is True or e.romberg == "abnormal") and upper_motor_neuron_signs(case):
        add("upper-motor-neuron signs")  # read only with those two findings
    if neuro_exam_normal(e):
        add("neurological exam normal")
    if e.step_off == "present":
        add("step-off present")
    elif e.step_off == "absent":
        add("step-off absent")
    if e.midline_sill == "present":
        add("midline sill present")
    i = case.imaging
    if i.disc_herniation_level is not None:
        add("imaged disc herniation")
    if i.stenosis in ("moderate", "severe"):
        add("imaged stenosis")
    if (i.listhesis_grade or 0) >= 1:
        add("imaged slip")
    return facts


NOTHING: frozenset[str] = frozenset()


# --- the cause rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    cause: str  # stable code, stored: "disc_herniation"
    effect: int  # points added (negative: evidence against)
    finding: str  # the case field(s) the rule reads
    why: str  # shown to the practitioner and printed
    source: str  # the paper or guideline the row comes from
    when: tuple[str, ...]  # the facts (`FACTS`) that must all hold
    lr: str = "none published [I]"  # the likelihood ratio the weight follows
    unless: tuple[str, ...] = ()  # facts that stop the row

    def applies(self, facts: AbstractSet[str]) -> bool:
        return frozenset(self.when) <= facts and facts.isdisjoint(self.unless)

    @cached_property
    def evidence(self) -> Evidence:
        """The row as a score cites it: made once, shared by every case it applies to."""
        return Evidence(self.finding, self.effect, self.why, self.source)


DEVILLE = "Devillé 2000 Spine 25:1140"
SURI = "Suri 2010 JAMA 304:2628"
MARTIN = "Martin 2014 KSSTA 22:882"
HOPAYIAN = "Hopayian 2010 Eur Spine J 19:2095 (defining quartet)"
#: A row no study supports: the project's own decision, after the studies it names.
PROJECT = "Project rule [I]"
#: Deep gluteal syndrome is favoured when buttock pain comes with a normal neurological
#: examination: the project's reading of the Hopayian quartet and the Martin tests.
DGS_LOGIC = f"{PROJECT}, after Hopayian 2010 and {MARTIN}"
#: Weights follow the likelihood ratio [I], each item counted once.
WEIGHTS = (
    f"{PROJECT}: LR+ under 2, 1 point; 2 to 4, 2 (3 for a test specific enough to rule "
    "in, spec 0.88 or more); 4 to 10, 3; over 10, 4; a sensitive test negative (LR- 0.2 "
    "to 0.5), -1 to -3; a score of several items weighs as its items would together"
)
#: Devillé's surgical series are mostly L4-5 and L5-S1: the SLR is insensitive for an L4
#: (L3-4) root, which the femoral nerve stretch tests instead.
UPPER_LUMBAR = f"{HARRISON} (reverse SLR for L4); {DEVILLE} (series at L4-5 and L5-S1) [I]"

CAUSE_RULES: tuple[Rule, ...] = (
    # --- disc herniation with radiculopathy ------------------------------------------------
    Rule("disc_herniation", +1, "exam.slr", "Positive straight leg raise (SLR): sensitive, "
         "not specific", f"{DEVILLE}: sens 0.91, spec 0.26", ("slr positive",),
         "LR+ 1.2"),
    Rule("disc_herniation", -3, "exam.slr", "SLR negative: a sensitive test, so a negative "
         "makes a herniated disc at L4-5 or L5-S1 less likely (not counted for an L4 root)",
         f"{DEVILLE}; van der Windt 2010 Cochrane; {UPPER_LUMBAR}",
         ("slr negative",), "LR- 0.35", unless=("L4 root",)),
    Rule("disc_herniation", +3, "exam.crossed_slr", "Positive crossed SLR: specific",
         f"{DEVILLE}: sens 0.29, spec 0.88", ("crossed_slr positive",), "LR+ 2.4"),
    Rule("disc_herniation", +2, "exam.femoral_nerve_stretch + root",
         "Positive femoral nerve stretch with an L4 (or L3) root pattern: an upper lumbar "
         "disc", UPPER_LUMBAR,
         ("femoral_nerve_stretch positive", "L4 root")),
    Rule("disc_herniation", +2, "exam.slump", "Positive slump test",
         "Majlesi 2008 J Clin Rheumatol 14:87: sens 0.84, spec 0.83 [S]",
         ("slump positive",), "LR+ 4.9 [S]"),
    Rule("disc_herniation", -1, "exam.slump", "Slump negative",
         "Majlesi 2008: sens 0.84 [S]", ("slump negative",), "LR- 0.19 [S]"),
    Rule("disc_herniation", +2, "history.leg_pain_worse_than_back",
         "Leg pain worse than back pain", PROJECT,
         ("leg pain worse than back",)),
    Rule("disc_herniation", +1, "history.pain_regions", "Pain reaches below the knee "
         "(shin, calf, foot or toes), in a root distribution", f"{HARRISON} [I]",
         ("pain below the knee",)),
    Rule("disc_herniation", +2, "root", "Deficits point to one nerve root on one side",
         f"{HARRISON}; {PROJECT}", ("one root, one side",),
         "L4 6.3, L5 1.7, S1 1.3 (Iversen 2013, overall clinical evaluation)"),
    Rule("disc_herniation", -2, "history.neurogenic_claudication",
         "Neurogenic claudication: a stenosis pattern rather than a disc",
         f"{PROJECT}, after {SURI} (claudication: LR 3.7 for stenosis)",
         ("neurogenic claudication",)),
    Rule("disc_herniation", +2, "imaging.disc_herniation_level",
         "Imaging shows a disc herniation (common without symptoms too)",
         PROJECT, ("imaged disc herniation",)),
    # --- lumbar spinal stenosis: each history item counted once ------------------------------
    Rule("spinal_stenosis", +4, "scores.konno_lss", f"Konno support tool {KONNO_CUTOFF} or "
         "more, with claudication or relief bending forward: pulses, no diabetes and "
         "worse standing alone are true of many healthy people",
         "Konno 2007 Eur Spine J 16:1951: sens 92.8%, spec 72.0%; symptom item: "
         f"{PROJECT}",
         ("Konno 7 or more", "Konno symptom"), "LR 3.3 (Suri 2010)"),
    Rule("spinal_stenosis", -2, "scores.konno_lss", "Konno support tool 5 or less",
         "Konno 2007: LSS in 6.3% of the bottom quartile (-2 to 5)",
         ("Konno 5 or less",), "about 0.1 [I]"),
    Rule("spinal_stenosis", +3, "scores.cook_lss", "Cook cluster 4 or 5 of 5 (used when the "
         "Konno tool could not be scored)", "Cook 2011 Physiother Res Int 16:170",
         ("Konno not scored", "Cook 4 or more"), "LR+ 4.6"),
    Rule("spinal_stenosis", -2, "scores.cook_lss", "Cook cluster 0 of 5, every item asked "
         "(used when the Konno tool could not be scored)", "Cook 2011: sens 0.96",
         ("Konno not scored", "Cook rules out"), "LR- 0.19"),
    Rule("spinal_stenosis", +2, "history.neurogenic_claudication", "Neurogenic claudication "
         "(not already in the Konno score)", SURI,
         ("Konno not scored", "neurogenic claudication"), "LR 3.7"),
    Rule("spinal_stenosis", -2, "history.neurogenic_claudication",
         "No neurogenic claudication (not already in the Konno score)", SURI,
         ("Konno not scored", "no neurogenic claudication"), "LR 0.23"),
    Rule("spinal_stenosis", +3, "history.side", "Symptoms in both legs (not already in the "
         "Cook cluster)", SURI,
         ("both legs",), "LR 6.3", unless=("Cook used",)),
    Rule("spinal_stenosis", +3, "history.relieving + history.aggravating",
         "No pain when seated: sitting eases it and does not bring it on (not already in "
         "the Cook cluster)", SURI,
         ("relieved sitting",), "LR 7.4",
         unless=("Cook used", "worse sitting")),
    Rule("spinal_stenosis", +3, "history.relieving + exam.flexion_relieves",
         "Relieved by bending forward (not already in the Konno score)", SURI,
         ("bending forward relieves, not in Konno",), "LR 6.4"),
    Rule("spinal_stenosis", +4, "exam.wide_based_gait", "Wide-based gait (not counted with "
         "upper-motor-neuron signs: a cord lesion is then the concern)",
         f"{SURI}; NHS Lothian RefHelp",
         ("wide-based gait",), "LR 13",
         unless=("upper-motor-neuron signs",)),
    Rule("spinal_stenosis", +2, "exam.romberg", "Abnormal Romberg test (not counted with "
         "upper-motor-neuron signs)", f"{SURI}; NHS Lothian RefHelp",
         ("abnormal Romberg",), "LR 4.2",
         unless=("upper-motor-neuron signs",)),
    Rule("spinal_stenosis", +1, "patient.age", "Older than 70 (not already in a score)", SURI,
         ("older than 70", "no score holds age"), "LR 2.0"),
    Rule("spinal_stenosis", -1, "patient.age", "Younger than 60 (not already in a score)",
         SURI, ("younger than 60", "no score holds age"), "LR 0.40"),
    Rule("spinal_stenosis", +2, "imaging.stenosis", "Imaging shows moderate or severe "
         "stenosis", PROJECT,
         ("imaged stenosis",)),
    # --- piriformis / deep gluteal syndrome ------------------------------------------------
    Rule("deep_gluteal", +1, "history.pain_regions", "Buttock pain", HOPAYIAN,
         ("buttock pain",)),
    Rule("deep_gluteal", +2, "exam.sciatic_notch_tenderness",
         "Tender over the greater sciatic notch", HOPAYIAN,
         ("sciatic_notch_tenderness positive",)),
    Rule("deep_gluteal", +1, "exam.piriformis_tenderness", "Tender over piriformis",
         f"{HOPAYIAN} [I weight]", ("piriformis_tenderness positive",)),
    Rule("deep_gluteal", +1, "history.aggravating", "Worse on sitting", HOPAYIAN,
         ("worse sitting",)),
    Rule("deep_gluteal", +2, "exam.active_piriformis", "Positive active piriformis test",
         MARTIN, ("active_piriformis positive",), "LR+ 3.9"),
    Rule("deep_gluteal", +2, "exam.seated_piriformis_stretch",
         "Positive seated piriformis stretch test", MARTIN,
         ("seated_piriformis_stretch positive",), "LR+ 5.2"),
    Rule("deep_gluteal", +1, "exam.fair", "Bedside FAIR manoeuvre reproduces the pain "
         "(supportive only: its published accuracy is for the electrodiagnostic test)",
         "Fishman 2002 Arch Phys Med Rehabil 83:295 [I]", ("fair positive",)),
    Rule("deep_gluteal", -2, "exam.active_piriformis + exam.seated_piriformis_stretch",
         "Active piriformis and seated stretch tests both negative", f"{MARTIN} [S]",
         ("active_piriformis negative", "seated_piriformis_stretch negative"),
         "LR- 0.11 [S]"),
    Rule("deep_gluteal", -1, "exam.active_piriformis", "Active piriformis test negative",
         MARTIN,
         ("active_piriformis negative",), "LR- 0.27",
         unless=("seated_piriformis_stretch negative",)),
    Rule("deep_gluteal", +1, "exam.reflexes + exam.strength + exam.sensation",
         "Neurological examination normal", DGS_LOGIC,
         ("neurological exam normal",)),
    Rule("deep_gluteal", +1, "exam.slr + exam.slump", "SLR and slump negative (a negative "
         "SLR does not exclude it: sens 0.15)", f"{PROJECT}; {MARTIN}: SLR sens 0.15",
         ("slr negative", "slump negative")),
    Rule("deep_gluteal", -2, "root", "Deficits point to a nerve root: a spinal cause is "
         "more likely", DGS_LOGIC, ("root found",)),
    Rule("deep_gluteal", +1, "history.pain_regions + history.back_pain_now",
         "No low back pain", DGS_LOGIC, ("no back pain",)),
    # --- spondylolisthesis -----------------------------------------------------------------
    Rule("spondylolisthesis", +3, "exam.step_off", "Palpable step between spinous processes",
         "Collaer 2006 J Man Manip Ther 14:22; Alqarni 2015",
         ("step-off present",), "LR+ 4.68"),
    Rule("spondylolisthesis", -1, "exam.step_off", "No palpable step",
         "Collaer 2006", ("step-off absent",), "LR- 0.46"),
    Rule("spondylolisthesis", +3, "exam.midline_sill", "Low midline sill sign",
         "Ahn & Jhun 2015 BMC Musculoskelet Disord 16:97: sens 81.3%, spec 89.1%",
         ("midline sill present",), "LR+ 7.5"),
    Rule("spondylolisthesis", +1, "exam.extension_provokes + history.aggravating",
         "Back extension brings on the pain", PROJECT,
         ("extension provokes",)),
    Rule("spondylolisthesis", +1, "history.leg_pain_worse_than_back",
         "Back pain worse than leg pain", PROJECT,
         ("back pain worse than leg",)),
    Rule("spondylolisthesis", +3, "imaging.listhesis_grade", "Imaging shows a slip "
         "(Meyerding grade 1 or more)", PROJECT,
         ("imaged slip",)),
)  # fmt: skip
#: The rows that read palpation only: a cause resting on them alone says so.
PALPATION_FINDINGS = frozenset({"exam.step_off", "exam.midline_sill"})


@dataclass(frozen=True)
class Evidence:
    finding: str
    effect: int
    why: str
    source: str

    @cached_property
    def document(self) -> dict[str, Any]:
        """As the assessment document cites it: made once per row, copied into each."""
        return {"finding": self.finding, "effect": self.effect, "why": self.why,
                "source": self.source}  # fmt: skip


@result
class CauseScore:
    code: str
    likelihood: str  # likely, possible, unlikely
    points: int
    evidence: tuple[Evidence, ...]


def rests_on_palpation(cause: CauseScore) -> bool:
    """The cause's support comes mostly from palpation (step-off, sill sign), with no
    imaging behind it: the printout says so (palpation kappa 0.18-0.39, Collaer 2006)."""
    positive = [e for e in cause.evidence if e.effect > 0]
    felt = sum(e.effect for e in positive if e.finding in PALPATION_FINDINGS)
    imaged = any(e.finding.startswith("imaging.") for e in positive)
    return not imaged and felt * 2 >= sum(e.effect for e in positive) > 0


def likelihood(points: int) -> str:
    if points >= LIKELY_FROM:
        return "likely"
    if points >= POSSIBLE_FROM:
        return "possible"
    return "unlikely"


#: The rows that need one fact and nothing else, by that fact: found with a set
#: intersection, no row tried in turn.
_SINGLE: dict[str, tuple[int, ...]] = {}
#: The other rows by the first fact each needs, as (row number, the facts needed, the
#: facts that stop it).
_COMPOUND: dict[str, list[tuple[int, frozenset[str], frozenset[str]]]] = {}
for _number, _rule in enumerate(CAUSE_RULES):
    if len(_rule.when) == 1 and not _rule.unless:
        _SINGLE[_rule.when[0]] = (*_SINGLE.get(_rule.when[0], ()), _number)
    else:
        _COMPOUND.setdefault(_rule.when[0], []).append(
            (_number, frozenset(_rule.when), frozenset(_rule.unless))
        )
_SINGLE_FACTS, _COMPOUND_FACTS = frozenset(_SINGLE), frozenset(_COMPOUND)
#: Each row's cause (as its place in `CAUSES`), citation and points, by row number.
_CITED = tuple((CAUSES.index(r.cause), r.evidence, r.effect) for r in CAUSE_RULES)
#: The likelihood word of every total the rows can add up to.
_LIKELIHOOD_OF = {
    p: likelihood(p)
    for p in range(
        sum(min(r.effect, 0) for r in CAUSE_RULES), sum(max(r.effect, 0) for r in CAUSE_RULES) + 1
    )
}


def rank_causes(case: Case, scores: Scores, root: Root) -> tuple[CauseScore, ...]:
    """All four causes, best first; equal points keep the order of `CAUSES`."""
    facts = facts_of(case, scores, root)
    applying = list(chain.from_iterable(map(_SINGLE.__getitem__, facts & _SINGLE_FACTS)))
    for fact in facts & _COMPOUND_FACTS:
        for number, needs, stopped_by in _COMPOUND[fact]:
            if needs <= facts and stopped_by.isdisjoint(facts):
                applying.append(number)
    applying.sort()  # table order: the order a cause cites its evidence in
    evidence: list[list[Evidence]] = [[], [], [], []]  # one list per cause
    points = [0, 0, 0, 0]
    for number in applying:
        place, cited, effect = _CITED[number]
        evidence[place].append(cited)
        points[place] += effect
    ranked = [
        CauseScore(cause, _LIKELIHOOD_OF[points[place]], points[place], tuple(evidence[place]))
        for place, cause in enumerate(CAUSES)
    ]
    # sorted() is stable, also in reverse, and `ranked` is in the fixed order: ties never
    # depend on chance.
    return tuple(sorted(ranked, key=_POINTS, reverse=True))


_POINTS = attrgetter("points")
