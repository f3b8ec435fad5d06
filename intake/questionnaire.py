"""The patient's questionnaire: its steps, its words, and where each answer is kept.

Every answer the case format (`sciatica-case/1`) has a field for is kept in that field of
`Questionnaire.answers`; everything else (goals, medications, consent, ...) in
`Questionnaire.extra`. The labels are the patient's words; the codes are the case
format's, so the clinical core reads the answers as they are.

The ODI statements below are a short plain-language version written for this project,
not the licensed ODI v2.1a wording (which Mapi Research Trust distributes under licence):
each keeps the meaning and the order of the six levels, scored 0-5. The STarT Back items
are Keele University's wording (Hill 2008 Arthritis Rheum; Keele's "Using & scoring the
SBST"). The SBI items follow Patrick 1995 Spine as summarised by Grøvle 2010 Eur Spine J,
in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from intake.core import redflags
from intake.core import vocabulary as v
from intake.core.case import ODI_SECTIONS, RED_FLAG_QUESTIONS, SBI_ITEMS
from intake.core.paths import MISSING

# --- words for the case format's codes -------------------------------------------------
# The codes and the patient's words are the vocabulary's; these are its patient choices.

PAIN_REGIONS = dict(v.PAIN_REGIONS.choices("patient"))
#: The lower back is drawn across the middle; every other region on each side.
MAP_SIDES = dict(v.SIDES.choices("patient"))
PAIN_MAP = {"low_back": PAIN_REGIONS["low_back"]} | {
    f"{side}_{region}": f"{side_label} {label.lower()}"
    for side, side_label in MAP_SIDES.items()
    for region, label in PAIN_REGIONS.items()
    if region != "low_back"
}

SYMPTOMS = dict(v.SYMPTOMS.choices("patient"))
MOVEMENTS = dict(v.ACTIVITIES.choices("patient"))
ONSETS = dict(v.ONSETS.choices("patient"))
TRIGGERS = dict(v.TRIGGERS.choices("patient"))
SIDES = dict(v.LEG_SIDES.choices("patient"))
LEG_OR_BACK = {"leg": "My leg", "back": "My back", "same": "About the same"}
DURATION_UNITS = {"days": "days", "weeks": "weeks", "months": "months", "years": "years"}
WEEKS_PER_UNIT = {"days": 1 / 7, "weeks": 1.0, "months": 52 / 12, "years": 52.0}
WALKING = {
    "unlimited": "As far as I like",
    "over_1km": "More than 1 km (about 15 minutes)",
    "100m_1km": "Between 100 metres and 1 km",
    "under_100m": "Less than 100 metres",
    "cannot": "I can hardly walk",
}
STANDING = {
    "unlimited": "As long as I like",
    "over_30min": "More than half an hour",
    "10_30min": "10 to 30 minutes",
    "under_10min": "Less than 10 minutes",
}

#: Asked explicitly, in plain words (NICE CKS: people may not mention them unless asked).
RED_FLAGS = dict(v.RED_FLAG_QUESTIONS.choices("patient"))
#: The safety questions as the patient sees them: what they noticed lately, then history.
RED_FLAGS_HISTORY = (
    "history_of_cancer",
    "iv_drug_use",
    "immunosuppression",
    "long_term_corticosteroids",
    "significant_trauma",
    "recent_spinal_procedure",
)
RED_FLAGS_NOTICED = tuple(code for code in RED_FLAGS if code not in RED_FLAGS_HISTORY)
#: Possible signs of cauda equina syndrome: same-day emergency care (NHS Lothian RefHelp,
#: NHS Gloucestershire G-Care, NICE CKS Sciatica).
EMERGENCY_SIGNS = v.EMERGENCY_QUESTIONS.codes
#: Every question whose "yes" shows the patient advice to get help today, each sign in its
#: own words (redflags.URGENT_ADVICE): cauda equina, fever, injecting drugs, worsening
#: weakness, major trauma.
URGENT_SIGNS = tuple(code for a in redflags.URGENT_ADVICE for code in a.questions)


def urgent_advice_blocks(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every sign's advice for the patient's pages, marked shown when answered yes."""
    shown = {a.key for a in redflags.urgent_advice(red_flags_answered_yes(answers))}
    return [
        {
            "key": a.key,
            "questions": " ".join(a.questions),
            "words": a.words,
            "where": redflags.WHERE_TO_GO[a.urgency],
            "urgency": a.urgency,
            "shown": a.key in shown,
        }
        for a in redflags.URGENT_ADVICE
    ]


CONDITIONS = dict(v.CONDITIONS.choices("patient"))
CONTRIBUTING = dict(v.CONTRIBUTING.choices("patient"))
SCANS = dict(v.IMAGING.choices("patient")) | {"none": "No scans"}

# --- the validated questionnaires ------------------------------------------------------

#: ODI v2.1a, plain-language version (see the module docstring): section -> (title, levels).
ODI = {
    "pain_intensity": (
        "How bad is your pain right now?",
        (
            "I have no pain right now",
            "Very mild",
            "Moderate",
            "Fairly severe",
            "Very severe",
            "The worst I can imagine",
        ),
    ),
    "personal_care": (
        "Washing, dressing and looking after yourself",
        (
            "I manage normally and it does not add to the pain",
            "I manage normally, but it is very painful",
            "It is painful, so I am slow and careful",
            "I need some help but manage most of it",
            "I need help every day with most of it",
            "I cannot get dressed, wash with difficulty and stay in bed",
        ),
    ),
    "lifting": (
        "Lifting",
        (
            "I can lift heavy things without extra pain",
            "I can lift heavy things, but it adds to the pain",
            "Pain stops me lifting heavy things from the floor, but I can if they are "
            "placed conveniently, for example on a table",
            "Pain stops me lifting heavy things, but I can lift light or medium things if "
            "they are placed conveniently",
            "I can lift only very light things",
            "I cannot lift or carry anything",
        ),
    ),
    "walking": (
        "Walking",
        (
            "Pain does not stop me walking any distance",
            "Pain stops me walking more than about 1.5 km (1 mile)",
            "Pain stops me walking more than about 800 metres (half a mile)",
            "Pain stops me walking more than about 100 metres",
            "I can walk only with a stick or crutches",
            "I am in bed most of the time",
        ),
    ),
    "sitting": (
        "Sitting",
        (
            "I can sit in any chair for as long as I like",
            "I can sit in my favourite chair for as long as I like",
            "Pain stops me sitting for more than an hour",
            "Pain stops me sitting for more than half an hour",
            "Pain stops me sitting for more than 10 minutes",
            "Pain stops me sitting at all",
        ),
    ),
    "standing": (
        "Standing",
        (
            "I can stand as long as I want without extra pain",
            "I can stand as long as I want, but it adds to the pain",
            "Pain stops me standing for more than an hour",
            "Pain stops me standing for more than half an hour",
            "Pain stops me standing for more than 10 minutes",
            "Pain stops me standing at all",
        ),
    ),
    "sleeping": (
        "Sleeping",
        (
            "Pain never disturbs my sleep",
            "Pain sometimes disturbs my sleep",
            "Because of pain I sleep less than 6 hours",
            "Because of pain I sleep less than 4 hours",
            "Because of pain I sleep less than 2 hours",
            "Pain stops me sleeping at all",
        ),
    ),
    "sex_life": (
        "Sex life (if it applies to you)",
        (
            "Normal, and it does not add to the pain",
            "Normal, but it adds to the pain",
            "Nearly normal, but very painful",
            "Badly limited by pain",
            "Nearly absent because of pain",
            "Pain prevents any sex life",
        ),
    ),
    "social_life": (
        "Social life",
        (
            "Normal, and it does not add to the pain",
            "Normal, but it adds to the pain",
            "Pain only limits my more active interests, such as sport or dancing",
            "Pain limits my social life and I go out less often",
            "Pain has kept my social life to my home",
            "I have no social life because of pain",
        ),
    ),
    "travelling": (
        "Travelling",
        (
            "I can travel anywhere without pain",
            "I can travel anywhere, but it adds to the pain",
            "Pain is bad, but I manage journeys of over two hours",
            "Pain limits me to journeys of less than an hour",
            "Pain limits me to short necessary journeys of less than 30 minutes",
            "Pain stops me travelling except to get medical care",
        ),
    ),
}
assert tuple(ODI) == ODI_SECTIONS
#: Only the sex-life section may be answered "does not apply" (scored as skipped).
ODI_MAY_NOT_APPLY = ("sex_life",)
#: How a form sends "This does not apply to me" for those sections (the case keeps null).
ODI_NOT_APPLICABLE = "na"

#: Keele STarT Back items 1-8 (agree / disagree) and item 9, recall: the last 2 weeks.
START_BACK = {
    "1": "My back pain has spread down my leg(s) at some time in the last 2 weeks",
    "2": "I have had pain in the shoulder or neck at some time in the last 2 weeks",
    "3": "I have only walked short distances because of my back pain",
    "4": "In the last 2 weeks, I have dressed more slowly than usual because of back pain",
    "5": "It's not really safe for a person with a condition like mine to be physically active",
    "6": "Worrying thoughts have been going through my mind a lot of the time",
    "7": "I feel that my back pain is terrible and it's never going to get any better",
    "8": "In general I have not enjoyed all the things I used to enjoy",
}
START_BACK_9 = "Overall, how bothersome has your back pain been in the last 2 weeks?"
START_BACK_9_CHOICES = dict(v.BOTHERSOMENESS.choices("patient"))
SBI = dict(v.SBI_ITEMS.choices("patient"))


# --- the steps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str


STEPS = (
    Step("about", "About you", "Check how we can reach you and tell us what you hope for."),
    Step("pain", "Where it hurts", "Show us where you feel it, and how strong it is."),
    Step("story", "Your story", "When it started, and what makes it better or worse."),
    Step(
        "safety",
        "Safety questions",
        "We ask everyone these questions. Most people answer no to all of them.",
    ),
    Step("health", "Your health", "Things that help us plan safe treatment for you."),
    Step("scores", "Daily life", "Short questionnaires that help us measure your progress."),
    Step("scans", "Scans and reports", "Add any scan reports or letters you have."),
    Step("consent", "Consent and submit", "Check, sign and send your answers to the clinic."),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def step_number(slug: str) -> int:
    return [s.slug for s in STEPS].index(slug) + 1


def neighbours(slug: str) -> tuple[str | None, str | None]:
    """The slugs of the steps before and after this one (None at either end)."""
    slugs = [s.slug for s in STEPS]
    i = slugs.index(slug)
    return (slugs[i - 1] if i > 0 else None, slugs[i + 1] if i + 1 < len(slugs) else None)


def resume_at(slug: str, go: str, *, stays: bool) -> str:
    """The step a patient who stops now carries on at, after saving `slug`: the step the
    save leads to ("back", "next"), or this one when they stay on it (a save as they type,
    answers to correct, a file added)."""
    if stays:
        return slug
    if go == "check":  # back to the list of answers still needed, on the last step
        return STEPS[-1].slug
    before, after = neighbours(slug)
    return (before if go == "back" else after if go == "next" else None) or slug


# --- answers between the form and the store (absent is MISSING) -----------------------


def yes_no_to_store(value: str | None) -> Any:
    return {"yes": True, "no": False}.get(value or "", MISSING)


def yes_no_to_form(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else ""


def blank_is_missing(value: Any) -> Any:
    return MISSING if value in (None, "") else value


@dataclass(frozen=True)
class Answer:
    """Where one form field's answer is kept: `answers` (the case format) or `extra`."""

    container: str
    path: tuple[str, ...]
    to_store: Callable[[Any], Any] = blank_is_missing
    to_form: Callable[[Any], Any] = lambda value: value


def in_case(*path: str, **kwargs: Any) -> Answer:
    return Answer("answers", path, **kwargs)


def in_extra(*path: str, **kwargs: Any) -> Answer:
    return Answer("extra", path, **kwargs)


def yes_no(answer: Callable[..., Answer], *path: str) -> Answer:
    return answer(*path, to_store=yes_no_to_store, to_form=yes_no_to_form)


# --- what a submitted questionnaire must hold ------------------------------------------


@dataclass(frozen=True)
class Missing:
    step: str
    what: str


def missing_answers(
    answers: Mapping[str, Any], extra_answers: Mapping[str, Any], asked: Iterable[str]
) -> list[Missing]:
    """What must still be answered before the questionnaire can be sent, step by step.

    `asked` names the validated questionnaires the clinic asks ("odi", "start_back",
    "sbi"). Everything else may stay blank.
    """
    history = answers.get("history", {})
    scores = answers.get("questionnaires", {})
    missing = []
    if not history.get("pain_regions"):
        missing.append(Missing("pain", "Where you feel the pain (at least one area)"))
    if history.get("leg_pain_now") is None:
        missing.append(Missing("pain", "How strong your leg pain is right now"))
    if history.get("duration_weeks") is None:
        missing.append(Missing("story", "How long you have had this pain"))
    if history.get("side") is None:
        missing.append(Missing("story", "Which leg is affected"))
    flags = history.get("red_flags", {})
    unanswered = [code for code in RED_FLAG_QUESTIONS if code not in flags]
    if unanswered:
        missing.append(
            Missing(
                "safety",
                f"{len(unanswered)} of the safety questions "
                f"{'needs' if len(unanswered) == 1 else 'need'} a yes or no",
            )
        )
    asked = set(asked)
    if "odi" in asked and len(scores.get("odi", {})) < len(ODI_SECTIONS):
        missing.append(Missing("scores", "Some of the daily-life questions"))
    if "start_back" in asked and len(scores.get("start_back", {})) < 9:
        missing.append(Missing("scores", "Some of the questions about the last 2 weeks"))
    if "sbi" in asked and any(scores.get("sbi", {}).get(item) is None for item in SBI_ITEMS):
        missing.append(Missing("scores", "Some of the questions on how bothersome it is"))
    consent = extra_answers.get("consent", {})
    if consent.get("agreed") is not True:
        missing.append(Missing("consent", "Your agreement to the consent statement"))
    if not consent.get("signed_name"):
        missing.append(Missing("consent", "Your name as a signature"))
    if consent.get("on_behalf") and not (consent.get("relationship") or "").strip():
        missing.append(Missing("consent", "Your name and how you are related to the patient"))
    if not consent.get("signed_on"):
        missing.append(Missing("consent", "Today's date"))
    return missing


def red_flags_answered_yes(answers: Mapping[str, Any]) -> list[str]:
    flags = answers.get("history", {}).get("red_flags", {})
    return [code for code in RED_FLAG_QUESTIONS if flags.get(code) is True]
