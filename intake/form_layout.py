"""The questionnaire's own field layouts, written in Python (as clinic/form_layout.py does
for the common ones): a pain scale as a row of buttons, and the body map with its ticks.

Both were templates looping over each option's sub-widget, which on the pain step (six
scales of eleven buttons, thirty-one areas) was most of the page's time.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from clinic.form_cells import optgroups
from clinic.form_layout import claim
from clinic.form_renderer import shown
from intake.templatetags.intake_panels import body_map_html, region_label


def _options(field: forms.BoundField) -> list[dict[str, Any]]:
    """Each option as Django's widget describes it, the groups flattened."""
    return [option for _group, options, _index in optgroups(field) for option in options]


def _errors(field: forms.BoundField) -> SafeString:
    return format_html_join(
        "", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in field.errors)
    )


class Scale(LayoutObject):
    """A scale (0 to 10, or 0 to 6) as a row of buttons, its two ends named below."""

    def __init__(self, name: str, low: str, high: str) -> None:
        self.fields = [name]
        self.low, self.high = low, high

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        claim(form, self.fields)
        field = form[self.fields[0]]
        buttons = "".join(
            f'<input type="radio" class="btn-check" name="{shown(o["name"])}" '
            f'id="{o["attrs"]["id"]}" value="{shown(o["value"])}"'
            f'{" checked" if o["selected"] else ""}><label class="btn btn-outline-primary" '
            f'for="{o["attrs"]["id"]}">{shown(o["label"])}</label>'
            for o in _options(field)
        )
        return format_html(
            '<fieldset class="scale mb-3{}" id="div_{}">'
            '<legend class="form-label fs-6 mb-1">{}</legend>'
            '<div class="scale-options">{}</div>'
            '<div class="d-flex justify-content-between small text-body-secondary scale-ends"'
            ' aria-hidden="true"><span>{}</span><span>{}</span></div>{}</fieldset>',
            " is-invalid" if field.errors else "", field.auto_id, field.label,
            SafeString(buttons), self.low, self.high, _errors(field),
        )  # fmt: skip


class BodyMapField(LayoutObject):
    """The body map to tap, with a tick box for each area beneath it: the first ("it is
    hard to say", or similar) across the row, then the left side's and the right side's."""

    def __init__(self, name: str) -> None:
        self.fields = [name]

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        claim(form, self.fields)
        field = form[self.fields[0]]
        boxes = _options(field)
        first, left, right = boxes[0], boxes[1:12], boxes[12:]

        def box(option: dict[str, Any], label: str) -> str:
            checked = " checked" if option["selected"] else ""
            return (
                f'<div class="form-check"><input class="form-check-input" type="checkbox" '
                f'name="{shown(option["name"])}" value="{shown(option["value"])}" '
                f'id="{option["attrs"]["id"]}"{checked} data-map-box><label '
                f'class="form-check-label" for="{option["attrs"]["id"]}">{label}</label></div>'
            )

        def side(options: list[dict[str, Any]], name: str) -> str:
            ticks = "".join(
                box(o, f'<span class="visually-hidden">{name} </span>'
                       f"{shown(region_label(o['value']))}")
                for o in options
            )  # fmt: skip
            return (
                f'<div class="col-6"><p class="small fw-semibold mb-1">{name} side</p>{ticks}</div>'
            )

        return format_html(
            '<fieldset class="mb-4 body-map-field" id="div_{}">'
            '<legend class="form-label fs-6">{}</legend>{}'
            '<div class="row g-2 body-map-ticks"><div class="col-12">{}</div>{}{}</div>{}'
            "</fieldset>",
            field.auto_id, field.label, body_map_html(field.value() or [], interactive=True),
            SafeString(box(first, shown(first["label"]))), SafeString(side(left, "Left")),
            SafeString(side(right, "Right")), _errors(field),
        )  # fmt: skip
