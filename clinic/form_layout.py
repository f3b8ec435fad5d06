"""A table of side-by-side fields for crispy layouts: one row per test, one column per side.

Crispy renders each field through half a dozen templates of its own (the field, its
label, help text and errors); on a form of a hundred fields that was most of the page.
`SideBySide` renders all its rows in one template loop, each cell the field's label and
its own widget with the markup crispy's Bootstrap 5 field gives a select or an input.
Checkboxes and choice lists keep crispy's field template.

`FIELD_TEMPLATE` is the same cell for any crispy field (`FormHelper.field_template`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template import Context
from django.template.loader import get_template
from django.utils.safestring import SafeString

TEMPLATE = "clinic/_side_by_side.html"
FIELD_TEMPLATE = "clinic/_field.html"

#: The Bootstrap class crispy's field template gives each kind of widget.
SELECT = (forms.Select,)
PLAIN = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput)


@dataclass(frozen=True)
class Row:
    """One line of the table: what is tested, then one field per column."""

    label: str
    fields: tuple[str, ...]


def row(label: str, *fields: str) -> Row:
    return Row(label, fields)


def keeps_crispy_template(field: forms.BoundField) -> bool:
    """Checkboxes, choice lists and files: their label sits elsewhere, crispy's template
    places it."""
    return isinstance(field.field.widget, PLAIN)


def bootstrap_widget(field: forms.BoundField) -> str:
    """The widget with the classes crispy's `{% crispy_field %}` adds: its kind, then
    form-select or form-control, then is-invalid when the field has errors."""
    widget = field.field.widget
    kind = type(widget).__name__.lower()
    classes = widget.attrs.get("class", "").split() or []
    if kind not in classes:
        classes.append(kind)
    extra = ["form-select" if isinstance(widget, SELECT) else "form-control"]
    if field.errors:
        extra.append("is-invalid")
    classes += [c for c in extra if c not in classes]
    widget.attrs["class"] = " ".join(classes)
    return str(field)


class SideBySide(LayoutObject):
    """Rows of two fields side by side (left and right, or before and after) under
    optional column headings; styled by the `exam-row` rules of plans/room.css (wide
    screens name the row and the column, phones show each field's own label)."""

    def __init__(self, *rows: Row, headings: Sequence[str] = ()) -> None:
        self.rows = rows
        self.headings = tuple(headings)
        self.fields = [name for r in rows for name in r.fields]

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        rendered: set[str] = getattr(form, "rendered_fields", set())
        rendered.update(self.fields)
        table = [(line.label, [form[name] for name in line.fields]) for line in self.rows]
        flags = {key: context.get(key) for key in ("form_show_errors", "form_show_labels")}
        return SafeString(
            get_template(TEMPLATE).render(
                {
                    "rows": table,
                    "headings": self.headings,
                    **flags,
                }
            )
        )
