"""Formatting filters for the clinical templates. No queries: the episode page's clinical
panel is built by `plans.panels.episode_panel`."""

from typing import Any

from django import template

from intake.core.case import SIDES
from intake.core.redflags import DISPOSITION_NAMES, FLAG_NAMES

register = template.Library()


@register.filter
def get(mapping: dict, key: Any) -> Any:
    """`{{ names|get:code }}`: a dictionary lookup by a variable key."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def flag_codes(flags: list[dict[str, Any]]) -> set[str]:
    """The codes of an assessment's flags: `{% if "code" in a.amber_flags|flag_codes %}`."""
    return {flag["code"] for flag in flags}


@register.filter
def flag_name(code: str) -> str:
    return FLAG_NAMES.get(code, code.replace("_", " "))


@register.filter
def disposition_name(code: str) -> str:
    return DISPOSITION_NAMES.get(code, code.replace("_", " "))


#: A red flag's urgency in a few words, as printed beside it.
URGENCY_WORDS = {"emergency": "emergency", "same_day": "same day", "within_days": "within days"}


@register.filter
def urgency_words(code: str) -> str:
    return URGENCY_WORDS.get(code, code.replace("_", " "))


@register.filter
def root_finding(evidence: str) -> str:
    """ "exam.reflexes.achilles.right: Ankle reflex reduced" -> "Ankle reflex reduced, right"."""
    path, _, why = str(evidence).partition(": ")
    side = path.rsplit(".", 1)[-1]
    return f"{why}, {side}" if side in SIDES else why or path


@register.filter
def words(code: Any) -> str:
    """A stored code as words: "bed_bound" -> "bed bound"."""
    return str(code).replace("_", " ") if code is not None else ""


@register.filter
def finding_why(evidence: list[str]) -> str:
    """Red-flag evidence ("history.red_flags.x: Why") as the reasons alone, joined."""
    return "; ".join(str(e).split(": ", 1)[-1] for e in evidence or ())
