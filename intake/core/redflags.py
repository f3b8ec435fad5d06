"""Red flags: when to refer instead of treating. Pure: no models, no requests.

Follows NICE NG59 (2016, updated 2020) and NICE CKS Sciatica, NHS Gloucestershire G-Care
(G), NHS Lothian RefHelp (L), AHCPR 1994 Quick Reference Guide 14 (A) and Downie 2013 BMJ
(D).

- Every answer "yes" on the red-flag screen of the intake form is a red flag on its own,
  and so are three exam signs: saddle sensory loss, a key muscle graded 3/5 or less, and
  fever. (A project rule [I]: any red-flag answer refers; the worked examples in
  `tests/intake/scoring-vectors.json` follow it.)
- Amber flags are recorded and shown but do not block treatment on their own; some
  combinations of them do, and those rows are red flags (project rule [I], after D and G:
  most single flags have little diagnostic value and many false positives).
- Each row carries its urgency: `emergency` (cauda equina: the emergency department now),
  `same_day` (suspected infection, suspected cord compression, a motor deficit of grade 3
  or less or getting worse, upper-motor-neuron signs, a fracture after major trauma) or
  `within_days` (the rest). A flag takes the most urgent of its rows; the letter, the
  dashboard and every patient text read that one value (`Screen.urgency`).
- Suspected vascular claudication is not spinal, and a patient under 16 needs their own
  doctor first: both refer to a GP.

The disposition follows the most urgent finding; a red flag suppresses the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

from intake.core import vocabulary
from intake.core.case import RED_FLAG_QUESTIONS, Case, on_sides
from intake.core.frozen import result

EMERGENCY = "emergency"  # now: the emergency department (cauda equina)
SAME_DAY = "same_day"  # seen by a doctor today
WITHIN_DAYS = "within_days"  # the rest
#: Most urgent first; a flag takes the most urgent urgency of the rows that found it.
URGENCIES = vocabulary.FLAG_URGENCIES.codes
URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(URGENCIES)}
#: Where the patient is sent, by the most urgent flag (NHS Lothian RefHelp; NICE CKS).
REFERRAL_TO = {EMERGENCY: "emergency_department", SAME_DAY: "same_day_doctor", WITHIN_DAYS: "gp"}
RED_FLAG_ORDER = vocabulary.RED_FLAGS.codes
_RED_FLAG_RANK = {code: rank for rank, code in enumerate(RED_FLAG_ORDER)}

#: How each flag is named to the practitioner (the codes are stored; these are shown).
FLAG_NAMES = dict(vocabulary.FLAGS.choices())
DISPOSITION_NAMES = dict(vocabulary.DISPOSITIONS.choices())

FEVER_C = 38.0  # [I] the usual clinical threshold for fever; the sources give none
KEY_MUSCLE_MAX = 3  # L: "motor deficit grade 3 or less"; foot drop = dorsiflexion <= 3

G, L, A, D = (
    "NHS Gloucestershire G-Care red flags",
    "NHS Lothian RefHelp",
    "AHCPR 1994 QRG 14 Table 1",
    "Downie 2013 BMJ;347:f7095",
)
CES_SOURCES = f"{L}; {G}; {A}; NICE CKS Sciatica"
#: Vascular claudication is the mimic the stenosis screen must not miss: calf or buttock
#: pain on walking eased by standing still, with weak foot pulses or an ABI below 0.9.
VASCULAR = "Project rule [I], after Suri 2010 JAMA (vascular claudication mimics LSS)"


@dataclass(frozen=True)
class FlagRule:
    code: str  # red flag: cauda_equina, ...; amber: age_over_50, ...; gp: vascular_...
    finding: str  # the field(s) of the case the rule reads
    why: str
    source: str
    #: The fact (`flag_facts`) the row stands on: a question answered yes is its finding
    #: ("history.red_flags.saddle_anaesthesia"), an exam sign or a combination has a name.
    when: str
    urgency: str | None = None  # red flags only: emergency, same_day, within_days

    def applies(self, case: Case) -> bool:
        return self.when in flag_facts(case)

    @cached_property
    def evidence(self) -> FlagEvidence:
        """The row as a flag cites it: made once, shared by every case it applies to."""
        return FlagEvidence(self.finding, self.why, self.source)

    @cached_property
    def flag(self) -> Flag:
        """The flag when this row is the only one of its code that applies: made once."""
        return Flag(self.code, (self.evidence,), self.urgency)


def answered_yes(code: str, question: str, why: str, source: str, urgency: str) -> FlagRule:
    """The row of a red flag that applies when the screen's `question` is answered yes."""
    finding = f"history.red_flags.{question}"
    return FlagRule(code, finding, why, source, finding, urgency)


def unasked_questions(c: Case) -> tuple[str, ...]:
    """The red-flag screen's questions with no answer yet (absent is not "no")."""
    return c.history.red_flags.unanswered()


def _weak_key_muscles(c: Case) -> tuple[str, ...]:
    """Sides with a key muscle graded at or below 3/5."""
    left = right = False
    for s in c.exam.strength.values():
        left = left or (s.left is not None and s.left <= KEY_MUSCLE_MAX)
        right = right or (s.right is not None and s.right <= KEY_MUSCLE_MAX)
    return on_sides(left, right)


def _older_for_fracture(c: Case) -> bool:
    # Downie 2013: men > 65, women > 75; sex not recorded or "other": the lower age [I].
    limit = 75 if c.patient.sex == "female" else 65
    return c.patient.age > limit


def _osteoporotic_or_older(c: Case) -> bool:
    return c.history.has_condition("osteoporosis") or _older_for_fracture(c)


def _neuro_signs(c: Case) -> bool:
    """New neurological signs: a weak key muscle, a lost reflex or numbness on examination,
    or weakness or two-sided symptoms reported as new or worsening."""
    e, flags = c.exam, c.history.red_flags
    weak = any(g is not None and g < 5 for s in e.strength.values() for g in (s.left, s.right))
    lost = any(v in ("reduced", "absent") for s in e.reflexes.values() for v in (s.left, s.right))
    numb = any(v in ("reduced", "absent") for s in e.sensation.values() for v in (s.left, s.right))
    reported = flags.progressive_weakness is True or flags.bilateral_leg_symptoms_new is True
    return weak or lost or numb or reported or upper_motor_neuron_signs(c)


def _brisk_both_legs(c: Case) -> bool:
    left = right = False
    for r in c.exam.reflexes.values():
        left = left or r.left == "brisk"
        right = right or r.right == "brisk"
    return left and right


def _extensor_plantar(c: Case) -> bool:
    p = c.exam.plantar_response
    return p is not None and "extensor" in (p.left, p.right)


def _sustained_clonus(c: Case) -> bool:
    k = c.exam.ankle_clonus
    return k is not None and "present" in (k.left, k.right)


def _ataxic_with_brisk(c: Case) -> bool:
    return (
        c.exam.wide_based_gait is True
        and c.exam.romberg == "abnormal"
        and any("brisk" in (r.left, r.right) for r in c.exam.reflexes.values())
    )


def upper_motor_neuron_signs(c: Case) -> bool:
    """Signs of a cord lesion above the cauda equina (NHS Lothian: widespread neurology not
    in keeping with radiculopathy): they are not a stenosis or root pattern."""
    return (
        _brisk_both_legs(c) or _extensor_plantar(c) or _sustained_clonus(c)
        or _ataxic_with_brisk(c)
    )  # fmt: skip


LOTHIAN_UMN = f"{L} (widespread neurology not in keeping with radiculopathy: same day)"
MSCC = f"{L} metastatic spinal cord compression pathway (known cancer with new neurology)"
E, S, W = EMERGENCY, SAME_DAY, WITHIN_DAYS

RED_FLAG_RULES: tuple[FlagRule, ...] = (
    # --- cauda equina syndrome: emergency ----------------------------------------------------
    answered_yes("cauda_equina", "saddle_anaesthesia",
                 "Saddle (perianal, perineal, genital) numbness or tingling reported",
                 CES_SOURCES, E),
    answered_yes("cauda_equina", "bladder_dysfunction",
                 "Difficulty passing urine, altered urinary sensation, retention or incontinence",
                 CES_SOURCES, E),
    answered_yes("cauda_equina", "bowel_dysfunction",
                 "Loss of the sense of rectal fullness or faecal incontinence",
                 CES_SOURCES, E),
    answered_yes("cauda_equina", "sexual_dysfunction_new",
                 "New sexual dysfunction (erection, ejaculation, genital sensation)",
                 CES_SOURCES, E),
    answered_yes("cauda_equina", "bilateral_leg_symptoms_new",
                 "Sciatica that is new in both legs, or one-sided sciatica that has become "
                 "two-sided", CES_SOURCES, E),
    FlagRule("cauda_equina", "exam.sensation.saddle",
             "Saddle sensory loss on examination",
             CES_SOURCES, "saddle sensory loss", E),
    FlagRule("cauda_equina", "exam.strength",
             "Severe motor deficit (a key muscle 3/5 or less) in both legs",
             f"{L}; {A}: severe or progressive bilateral neurological deficit",
             "a key muscle 3/5 or less in both legs", E),
    # --- progressive neurological deficit: same day ------------------------------------------
    answered_yes("progressive_deficit", "progressive_weakness",
                 "Weakness in the leg that is getting worse",
                 f"{L}; {A} (major motor weakness)", S),
    FlagRule("progressive_deficit", "exam.strength",
             "A key muscle graded 3/5 or less (foot drop is dorsiflexion 3/5 or less)",
             f"{L}: deteriorating radiculopathy with motor deficit grade 3 or less",
             "a key muscle 3/5 or less", S),
    # --- upper-motor-neuron signs (myelopathy): same day -----------------------------------
    FlagRule("myelopathy", "exam.reflexes",
             "Brisk reflexes in both legs", LOTHIAN_UMN, "brisk reflexes in both legs", S),
    FlagRule("myelopathy", "exam.plantar_response",
             "Extensor plantar response (Babinski sign)", LOTHIAN_UMN,
             "extensor plantar response", S),
    FlagRule("myelopathy", "exam.ankle_clonus",
             "Sustained ankle clonus (more than 3 beats)", LOTHIAN_UMN,
             "sustained ankle clonus", S),
    FlagRule("myelopathy", "exam.wide_based_gait + exam.romberg + exam.reflexes",
             "Wide-based gait and an abnormal Romberg test with brisk reflexes",
             LOTHIAN_UMN, "ataxia with brisk reflexes", S),
    # --- infection: suspected, same day; risk factors alone, within days --------------------
    answered_yes("infection", "fever_or_chills",
                 "Fever, chills or rigors with back pain", f"{G}; {A}; {L}", S),
    FlagRule("infection", "exam.temperature_c",
             f"Temperature {FEVER_C:.1f} °C or above on examination",
             f"{G}; {A}; threshold {FEVER_C:.1f} °C [I]",
             "fever on examination", S),
    answered_yes("infection", "iv_drug_use",
                 "Intravenous drug use with back pain", f"{G}; {A}; same day: {L}", S),
    answered_yes("infection", "immunosuppression",
                 "Immunosuppression (steroids, transplant, HIV)", f"{G}; {A}", W),
    answered_yes("infection", "recent_spinal_procedure",
                 "Recent spinal procedure", f"{G}; {L}", W),
    # --- malignancy: within days; with new neurological signs, same day (MSCC) --------------
    answered_yes("malignancy", "history_of_cancer",
                 "Past history of cancer: the one malignancy flag with useful diagnostic value",
                 f"{D}; {G}; {L}; NICE CKS (suspected cancer: within a few days)", W),
    FlagRule("malignancy", "history.red_flags.history_of_cancer + exam + history.red_flags",
             "A past cancer with new neurological signs: suspect spinal cord compression",
             MSCC, "a past cancer with new neurological signs", S),
    answered_yes("malignancy", "unexplained_weight_loss",
                 "Unexplained weight loss", f"{G}; {A}", W),
    answered_yes("malignancy", "night_pain_unrelieved",
                 "Persistent night pain not relieved by any position", f"{G}; {L}", W),
    # --- fracture: after significant trauma, same day; otherwise within days ----------------
    answered_yes("fracture", "significant_trauma",
                 "Major trauma", f"{D}; {G}; {A}; same day: {L}", S),
    answered_yes("fracture", "long_term_corticosteroids",
                 "Prolonged corticosteroid use", f"{D}; {G}", W),
    FlagRule("fracture", "history.trigger + patient.age/sex + history.conditions",
             "Amber flags combined: pain began with lifting or minor trauma in an older "
             "(men over 65, women over 75) or osteoporotic person",
             f"{D}; {G}; {A}; {L}",
             "lifting or minor trauma when older or osteoporotic", W),
)  # fmt: skip

AMBER_FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule("age_over_50", "patient.age",
             "New back pain after 50: a weak malignancy flag on its own", f"{G}; {D}",
             "older than 50"),
    FlagRule("age_under_20", "patient.age",
             "New back pain before 20: a weak malignancy flag on its own", f"{G}; {A}",
             "younger than 20"),
    FlagRule("no_improvement_after_1_month", "history.duration_weeks",
             "Symptoms for more than 4 weeks (failure to improve after a month)",
             f"{G}; duration as the proxy [I]", "more than 4 weeks"),
    FlagRule("chronic_bilateral_claudication",
             "history.side + history.neurogenic_claudication",
             "Both legs, exercise-dependent, without saddle or sphincter change: typical of "
             "spinal stenosis, not cauda equina", f"Project rule [I], after {G}; {D}",
             "both legs, with claudication"),
    FlagRule("older_for_fracture", "patient.age + patient.sex",
             "Older age raises the likelihood of fracture (men over 65, women over 75)", D,
             "older for a fracture"),
    FlagRule("osteoporosis", "history.conditions",
             "Osteoporosis: minor trauma or lifting can fracture", f"{G}; {A}",
             "osteoporosis"),
    FlagRule("red_flag_screen_incomplete", "history.red_flags",
             "Not every red-flag question has been answered: ask each one explicitly "
             "before treating", f"NICE CKS Sciatica (ask red-flag questions explicitly); {L}",
             "a red-flag question unanswered"),
    FlagRule("bilateral_symptoms", "history.side",
             "Symptoms in both legs: ask whether this is new, a sign of cauda equina "
             "syndrome", CES_SOURCES,
             "both legs, not said to be new"),
    FlagRule("pulses_not_checked", "history.neurogenic_claudication + exam.pedal_pulses",
             "Claudication with foot pulses and ABI not recorded: check them to rule out "
             "vascular claudication", VASCULAR,
             "claudication, pulses and ABI not recorded"),
    FlagRule("diabetes", "history.conditions",
             "Diabetes is on the infection screen's list of immunosuppression", G,
             "diabetes"),
)  # fmt: skip


def _claudication(c: Case) -> bool:
    return c.history.neurogenic_claudication is True


def _vascular_pattern(c: Case) -> bool:
    """Leg pain brought on by walking and eased by standing still or rest, not by sitting
    or bending forward: how vascular claudication is usually recorded (Suri 2010)."""
    h = c.history
    aggravating, relieving = h.aggravating or frozenset(), h.relieving or frozenset()
    eased = bool({"standing", "rest"} & relieving)
    neurogenic_relief = bool({"sitting", "bending_forward"} & relieving)
    return "walking" in aggravating and eased and not neurogenic_relief


def _exertional(c: Case) -> bool:
    return _claudication(c) or _vascular_pattern(c)


EXERTIONAL = "history.neurogenic_claudication or history.aggravating/relieving"
NG59_SCOPE = "NICE NG59 (covers people aged 16 and over); project rule [I]"

GP_FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule("vascular_claudication", f"exam.pedal_pulses + {EXERTIONAL}",
             "Leg pain on walking with reduced or absent foot pulses: suspect vascular "
             "claudication",
             f"{VASCULAR}; Tomkins-Lane 2016 (normal symmetric foot pulses in LSS)",
             "exertional leg pain, weak foot pulses"),
    FlagRule("vascular_claudication", f"exam.abi + {EXERTIONAL}",
             "Leg pain on walking with an ankle-brachial index below 0.9: suspect vascular "
             "claudication", f"{VASCULAR}; Konno 2007 (ABI item)",
             "exertional leg pain, ABI below 0.9"),
    FlagRule("vascular_claudication", f"history.conditions + {EXERTIONAL}",
             "Leg pain on walking in a person with known peripheral vascular disease",
             VASCULAR,
             "exertional leg pain, peripheral vascular disease"),
    FlagRule("under_16", "patient.age",
             "Under 16: back pain in children more often has a serious cause; the child's "
             "doctor assesses first", NG59_SCOPE, "younger than 16"),
)  # fmt: skip


@dataclass(frozen=True)
class FlagEvidence:
    finding: str
    why: str
    source: str

    @cached_property
    def text(self) -> str:
        """As the assessment document lists it: "finding: why" (made once per row)."""
        return f"{self.finding}: {self.why}"


@result
class Flag:
    code: str
    evidence: tuple[FlagEvidence, ...]
    urgency: str | None = None  # red flags only


@result
class Screen:
    disposition: str  # treat, refer_emergency, refer_urgent, refer_gp
    red_flags: tuple[Flag, ...]
    amber_flags: tuple[Flag, ...]
    gp_flags: tuple[Flag, ...]
    urgency: str | None  # the most urgent red flag's; None without a red flag
    referral_to: str | None  # where the patient is sent; None when treated here


def _most_urgent(urgencies: list[str]) -> str | None:
    return min(urgencies, key=URGENCY_RANK.__getitem__) if urgencies else None


#: A question answered yes, as the fact its row stands on.
_ANSWERED_YES = {q: f"history.red_flags.{q}" for q in vocabulary.RED_FLAG_QUESTIONS.codes}


def flag_facts(case: Case) -> set[str]:
    """The facts the flag rows stand on (each row's `when`) that hold for one case: the
    questions answered yes, then each sign or combination worked out once. Written out
    as plain conditions, so that a row costs a set lookup, not a call."""
    h, e, age = case.history, case.exam, case.patient.age
    answers = h.red_flags
    given = answers.answers()  # read once for both questions below
    facts = (
        {_ANSWERED_YES[q] for q, a in zip(RED_FLAG_QUESTIONS, given, strict=True) if a is True}
        if True in given
        else set()
    )
    add = facts.add
    # --- red flags
    if e.saddle_sensation in ("reduced", "absent"):
        add("saddle sensory loss")
    weak = _weak_key_muscles(case)
    if weak:
        add("a key muscle 3/5 or less")
        if len(weak) == 2:
            add("a key muscle 3/5 or less in both legs")
    if _brisk_both_legs(case):
        add("brisk reflexes in both legs")
    if _extensor_plantar(case):
        add("extensor plantar response")
    if _sustained_clonus(case):
        add("sustained ankle clonus")
    if _ataxic_with_brisk(case):
        add("ataxia with brisk reflexes")
    if e.temperature_c is not None and e.temperature_c >= FEVER_C:
        add("fever on examination")
    if answers.history_of_cancer is True and _neuro_signs(case):
        add("a past cancer with new neurological signs")
    if h.trigger in ("lifting", "trauma") and _osteoporotic_or_older(case):
        add("lifting or minor trauma when older or osteoporotic")
    # --- amber flags
    if age > 50:
        add("older than 50")
    elif age < 20:
        add("younger than 20")
        if age < 16:
            add("younger than 16")  # a GP flag
    if h.duration_weeks > 4:
        add("more than 4 weeks")
    if h.side == "both":
        if h.neurogenic_claudication is True:
            add("both legs, with claudication")
        if answers.bilateral_leg_symptoms_new is not True:
            add("both legs, not said to be new")
    if _older_for_fracture(case):
        add("older for a fracture")
    conditions = h.conditions or NOTHING
    if "osteoporosis" in conditions:
        add("osteoporosis")
    if "diabetes" in conditions:
        add("diabetes")
    if None in given:  # `unasked_questions`
        add("a red-flag question unanswered")
    if h.neurogenic_claudication is True and e.pedal_pulses is None and e.abi is None:
        add("claudication, pulses and ABI not recorded")
    # --- GP flags: vascular claudication
    if _exertional(case):
        if e.pedal_pulses in ("reduced", "absent"):
            add("exertional leg pain, weak foot pulses")
        if e.abi is not None and e.abi < 0.9:
            add("exertional leg pain, ABI below 0.9")
        if "peripheral_vascular_disease" in conditions:
            add("exertional leg pain, peripheral vascular disease")
    return facts


NOTHING: frozenset[str] = frozenset()


class _Table:
    """A flag table made ready for the screen: each row's number by the fact it stands on."""

    def __init__(self, rules: tuple[FlagRule, ...]) -> None:
        self.rules = rules
        self.by_fact: dict[str, tuple[int, ...]] = {}
        for number, rule in enumerate(rules):
            self.by_fact[rule.when] = (*self.by_fact.get(rule.when, ()), number)
        self.facts = frozenset(self.by_fact)

    def collect(self, facts: set[str]) -> tuple[Flag, ...]:
        """The flags the rows find, in table order (deterministic)."""
        found = facts & self.facts
        if not found:
            return ()
        numbers = sorted(chain.from_iterable(map(self.by_fact.__getitem__, found)))
        rows: dict[str, list[FlagRule]] = {}
        for number in numbers:
            rule = self.rules[number]
            if rule.code in rows:
                rows[rule.code].append(rule)
            else:
                rows[rule.code] = [rule]
        flags = []
        for code, applying in rows.items():
            if len(applying) == 1:
                flags.append(applying[0].flag)
                continue
            evidence, levels = [], []
            for r in applying:
                evidence.append(r.evidence)
                if r.urgency is not None:
                    levels.append(r.urgency)
            flags.append(Flag(code, tuple(evidence), _most_urgent(levels)))
        return tuple(flags)


def _red_flag_rank(flag: Flag) -> int:
    return _RED_FLAG_RANK[flag.code]


_RED, _AMBER, _GP = _Table(RED_FLAG_RULES), _Table(AMBER_FLAG_RULES), _Table(GP_FLAG_RULES)


def screen(case: Case) -> Screen:
    """Red, amber and GP flags of one case, and the disposition they set."""
    facts = flag_facts(case)
    red = _RED.collect(facts)
    if len(red) > 1:
        red = tuple(sorted(red, key=_red_flag_rank))
    amber = _AMBER.collect(facts)
    gp = _GP.collect(facts)
    urgency = _most_urgent([f.urgency for f in red if f.urgency is not None]) if red else None
    if red:
        disposition = "refer_emergency" if urgency == EMERGENCY else "refer_urgent"
    elif gp:
        disposition = "refer_gp"
    else:
        disposition = "treat"
    if urgency is not None:
        referral_to: str | None = REFERRAL_TO[urgency]
    else:
        referral_to = "gp" if gp else None
    return Screen(disposition, red, amber, gp, urgency, referral_to)


# --- what the patient is told, sign by sign ---------------------------------------------


@dataclass(frozen=True)
class UrgentAdvice:
    """Advice the patient sees when they answer one of `questions` "yes": in its own words,
    with where to go read from the urgency of the red-flag rows of those questions."""

    key: str
    questions: tuple[str, ...]
    words: str  # on screen, after answering
    sign: str  # the same sign as a printed list item
    source: str

    @property
    def urgency(self) -> str:
        return min((question_urgency(q) for q in self.questions), key=URGENCIES.index)


def question_urgency(question: str) -> str:
    """The urgency of the red-flag row that reads this question of the screen."""
    finding = f"history.red_flags.{question}"
    return next(r.urgency for r in RED_FLAG_RULES if r.finding == finding and r.urgency)


URGENT_ADVICE: tuple[UrgentAdvice, ...] = (
    UrgentAdvice("cauda_equina",
                 ("saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction",
                  "sexual_dysfunction_new", "bilateral_leg_symptoms_new"),
                 "Numbness or tingling between your legs or around your bottom, new trouble "
                 "with your "
                 "bladder, bowels or sexual function, or pain, numbness or weakness that is "
                 "new in both legs can mean the nerves at the bottom of your spine are being "
                 "squeezed (cauda equina syndrome). Early treatment in hospital matters.",
                 "numbness or tingling between your legs or around your bottom or genitals; "
                 "new trouble "
                 "passing or controlling urine or your bowels; new loss of sexual function; "
                 "pain, numbness or weakness that is new in both legs", CES_SOURCES),
    UrgentAdvice("fever_or_chills", ("fever_or_chills",),
                 "A fever, chills or shivering together with back pain can be a sign of an "
                 "infection in or near the spine, which needs treating quickly.",
                 "a fever, chills or shivering together with back pain", f"{G}; {A}"),
    UrgentAdvice("iv_drug_use", ("iv_drug_use",),
                 "Injecting drugs makes an infection of the spine more likely, and back pain "
                 "can be its first sign, even without a fever.",
                 "back pain if you inject drugs", f"{G}; {A}"),
    UrgentAdvice("progressive_weakness", ("progressive_weakness",),
                 "Weakness in your leg or foot that is getting worse (for example, a foot "
                 "that drags or slaps when you walk) means a nerve is under more pressure. "
                 "A doctor needs to check it today, before the weakness lasts.",
                 "weakness in your leg or foot that is getting worse", f"{L}; {A}"),
    UrgentAdvice("significant_trauma", ("significant_trauma",),
                 "Back pain that started after a bad fall, a road accident or another "
                 "serious injury needs checking for a broken bone.",
                 "back pain that started after a bad fall or another serious injury",
                 f"{D}; {G}"),
)  # fmt: skip

#: Where to go, one sentence per urgency: every text the patient sees uses these.
WHERE_TO_GO = {
    EMERGENCY: "Call your local emergency number or go to an emergency department today, "
    "straight away.",
    SAME_DAY: "See a doctor today: ring your GP practice for a same-day appointment, or "
    "your local urgent care service if it is closed.",
}


def urgent_advice(answered_yes: Iterable[str]) -> tuple[UrgentAdvice, ...]:
    """The advice for the questions answered yes, most urgent first, in table order."""
    yes = set(answered_yes)
    found = [a for a in URGENT_ADVICE if yes & set(a.questions)]
    return tuple(sorted(found, key=lambda a: URGENCIES.index(a.urgency)))


def patient_urgency(answered_yes: Iterable[str]) -> str | None:
    """How urgently the patient was told to get help: emergency, same_day or None."""
    found = urgent_advice(answered_yes)
    return found[0].urgency if found else None
