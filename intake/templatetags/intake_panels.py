"""Formatting for the intake templates: the body map, the instrument notices, the words
for stored codes and the badge of a link's state. No queries: the episode page's panel is
built by `intake.panels.episode_panel`."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from intake import questionnaire as q
from intake.core.instruments import INSTRUMENTS

register = template.Library()

INSTRUMENT_BY_CODE = {instrument.code: instrument for instrument in INSTRUMENTS}


@register.inclusion_tag("intake/_instrument_notice.html")
def instrument_notice(code: str) -> dict:
    return {"instrument": INSTRUMENT_BY_CODE[code]}


# The body map: (region, offset of the inner edge from the midline, top, width, height),
# drawn for each side; the back view shows the patient's left on the viewer's left, the
# front view on the viewer's right.
BACK_VIEW = (
    ("buttock", 1, 48, 33, 40),
    ("hip", 35, 40, 10, 44),
    ("posterior_thigh", 4, 90, 24, 72),
    ("lateral_thigh", 29, 90, 9, 72),
    ("knee", 4, 164, 28, 22),
    ("calf", 5, 188, 25, 72),
    ("foot", 5, 262, 25, 26),
)
FRONT_VIEW = (
    ("groin", 1, 62, 24, 24),
    ("hip", 35, 40, 10, 44),
    ("anterior_thigh", 4, 90, 24, 72),
    ("lateral_thigh", 29, 90, 9, 72),
    ("knee", 4, 164, 28, 22),
    ("shin", 5, 188, 25, 72),
    ("foot", 5, 262, 25, 20),
    ("toes", 5, 284, 25, 12),
)
MAP_CENTRES = {"back": 72, "front": 228}


def body_map_shapes() -> list[dict[str, Any]]:
    shapes: list[dict[str, Any]] = [
        {"value": "low_back", "x": 72 - 34, "y": 6, "w": 68, "h": 40, "view": "back"}
    ]
    for view, table in (("back", BACK_VIEW), ("front", FRONT_VIEW)):
        centre = MAP_CENTRES[view]
        for side in q.MAP_SIDES:
            on_viewer_left = (side == "left") == (view == "back")
            for region, offset, top, width, height in table:
                x = centre - offset - width if on_viewer_left else centre + offset
                shapes.append(
                    {"value": f"{side}_{region}", "x": x, "y": top, "w": width, "h": height}
                )
    for shape in shapes:
        shape["label"] = q.PAIN_MAP[shape["value"]]
    return shapes


BODY_MAP_SHAPES = body_map_shapes()


def _rect(shape: dict[str, Any], selected: bool) -> str:
    fill, stroke = ("#c0392b", "#7b241c") if selected else ("#eef1f3", "#6c757d")
    return format_html(
        '<rect class="map-region{}" data-value="{}" x="{}" y="{}" width="{}" height="{}" rx="6"'
        ' fill="{}" stroke="{}"><title>{}</title></rect>\n',
        " is-selected" if selected else "", shape["value"], shape["x"], shape["y"],
        shape["w"], shape["h"], fill, stroke, shape["label"],
    )  # fmt: skip


#: Each area's markup, plain and filled, written once: the map is drawn on many pages,
#: and 31 areas of 9 attributes each were most of the episode page's template time.
#: (In the order of BODY_MAP_SHAPES: an area such as the hip is drawn in both views.)
BODY_MAP_RECTS = [
    (shape["value"], _rect(shape, selected=False), _rect(shape, selected=True))
    for shape in BODY_MAP_SHAPES
]


@register.inclusion_tag("intake/_body_map.html")
def body_map(selected: list[str], interactive: bool = False) -> dict:
    """The back and front outline with the ticked areas filled."""
    chosen = set(selected)
    # Each ticked area named once for a screen reader, though some are drawn in both views.
    named = list(dict.fromkeys(s["label"] for s in BODY_MAP_SHAPES if s["value"] in chosen))
    rects = "".join(filled if value in chosen else plain for value, plain, filled in BODY_MAP_RECTS)
    return {
        "named": named,
        "rects": mark_safe(rects),  # noqa: S308 (format_html escaped every value)
        "interactive": interactive,
        "centres": MAP_CENTRES,
    }


def body_map_html(selected: list[str], interactive: bool = False) -> str:
    """The body map as the `body_map` tag draws it, for a layout written in Python."""
    return render_to_string("intake/_body_map.html", body_map(selected, interactive))


@register.filter
def label_for(code: str, vocabulary: str) -> str:
    """A code's words, e.g. {{ "calf"|label_for:"PAIN_REGIONS" }}."""
    return getattr(q, vocabulary, {}).get(code, code)


@register.filter
def region_label(value: str) -> str:
    """The body-map area without its side: "left_calf" -> "Calf"."""
    region = value.split("_", 1)[1] if value.startswith(("left_", "right_")) else value
    return q.PAIN_REGIONS.get(region, value)


STATE_BADGES = {
    "sent": "text-bg-secondary",
    "opened": "text-bg-info",
    "in_progress": "text-bg-primary",
    "submitted": "text-bg-success",
    "expired": "text-bg-light border",
    "revoked": "text-bg-light border",
    "locked": "text-bg-danger",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-secondary")
