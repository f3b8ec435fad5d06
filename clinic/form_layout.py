"""Layout objects for crispy forms that write their fields in Python (`clinic.form_cells`).

Crispy renders each field through half a dozen templates of its own, and each `Div`
through two more; on a form of a hundred fields that was most of the page. These render
their fields with `form_cells.cell()`, the same markup in one Python call:

- `SideBySide`: a table of rows, one per test, one column per side (left and right);
- `Cells`: a few fields side by side in a Bootstrap row;
- `Plain`: fields with nothing around them (a hidden version number);
- `Choices`: a list of checkboxes laid out inline;
- `Section`: a fieldset with its legend around fields, markup and the objects above
  (crispy's `Fieldset` renders a template and compiles its legend as a template, on every
  request);
- `Block`: a `<div>` with classes around the same (crispy's `Div` renders a template;
  its `HTML` compiles its markup as a template, on every request);
- `Markup`: markup as it is, in a layout (where crispy's `HTML` would compile it);
- `submit()`: crispy's `Submit` button as markup (crispy compiles its value as a template
  and renders its own with the page's whole context flattened, on every request).

`FIELD_TEMPLATE` (`FormHelper.field_template`) does the same for any field crispy places
itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django.utils.text import slugify

from clinic.form_cells import cell, flags, from_context

FIELD_TEMPLATE = "clinic/_field.html"


@dataclass(frozen=True)
class Row:
    """One line of the table: what is tested, then one field per column."""

    label: str
    fields: tuple[str, ...]


def row(label: str, *fields: str) -> Row:
    return Row(label, fields)


def claim(form: forms.Form, names: Sequence[str]) -> None:
    """Mark the fields as placed, as crispy's own layout objects do (so that a form
    rendered with `render_unmentioned_fields` does not show them twice)."""
    rendered: set[str] = getattr(form, "rendered_fields", set())
    rendered.update(names)


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
        claim(form, self.fields)
        given = flags(context)
        out = []
        if self.headings:
            out.append(
                '<div class="row g-2 d-none d-md-flex exam-sides"><div class="col-12 col-md-4">'
                "</div>"
            )
            out += [
                f'<div class="col-6 col-md-4"><strong>{conditional_escape(h)}</strong></div>'
                for h in self.headings
            ]
            out.append("</div>\n")
        for line in self.rows:
            out.append(
                '<div class="row g-2 exam-row"><div class="col-12 col-md-4">'
                f'<span class="exam-test">{conditional_escape(line.label)}</span></div>\n'
            )
            out += [
                f'<div class="col-6 col-md-4">{cell(form[name], **given)}</div>\n'
                for name in line.fields
            ]
            out.append("</div>\n")
        return SafeString("".join(out))


class Cells(LayoutObject):
    """Fields side by side in a Bootstrap row, each in a column of its own (`column`,
    half the width on wider screens by default); a phone stacks them."""

    def __init__(self, *fields: str, column: str = "col-sm-6") -> None:
        self.fields = list(fields)
        self.column = column

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        claim(form, self.fields)
        given = flags(context)
        cells = "".join(
            f'<div class="{self.column}">{cell(form[name], **given)}</div>' for name in self.fields
        )
        return SafeString(f'<div class="row g-2">{cells}</div>')


class Plain(LayoutObject):
    """Fields as cells with nothing around them (crispy would render each through the
    field template, with the page's whole context flattened into it)."""

    def __init__(self, *fields: str) -> None:
        self.fields = list(fields)

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        claim(form, self.fields)
        given = flags(context)
        return SafeString("".join(cell(form[name], **given) for name in self.fields))


class Choices(LayoutObject):
    """A list of checkboxes (or radio buttons) inline under its legend, as crispy's
    `InlineCheckboxes` lays it out."""

    def __init__(self, name: str) -> None:
        self.fields = [name]

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        claim(form, self.fields)
        return from_context(form[self.fields[0]], context, inline=True)


def _children(
    children: Sequence[str | LayoutObject],
    form: forms.Form,
    context: Context,
    template_pack: str,
) -> str:
    """Field names as cells, marked-safe strings as they are, layout objects rendered."""
    given = flags(context)
    parts = []
    for child in children:
        if isinstance(child, SafeData):
            parts.append(str(child))
        elif isinstance(child, str):
            parts.append(cell(form[child], **given))
        else:
            parts.append(child.render(form, context, template_pack=template_pack))
    return "".join(parts)


def _names(children: Sequence[str | LayoutObject]) -> list[str]:
    return [c for c in children if isinstance(c, str) and not isinstance(c, SafeData)]


class _Around(LayoutObject):
    """Children written as `Section` and `Block` write them, inside what `around` adds:
    field names become cells, marked-safe strings are written as they are, layout objects
    render themselves."""

    def __init__(self, *children: str | LayoutObject) -> None:
        self.children = children
        self.fields = _names(children)

    def around(self, parts: str) -> str:
        raise NotImplementedError

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        claim(form, self.fields)
        return SafeString(self.around(_children(self.children, form, context, template_pack)))


class Section(_Around):
    """A fieldset under its legend."""

    def __init__(self, legend: str, *children: str | LayoutObject) -> None:
        super().__init__(*children)
        self.legend = legend

    def around(self, parts: str) -> str:
        legend = f"<legend>{conditional_escape(self.legend)}</legend>" if self.legend else ""
        return f"<fieldset>{legend}{parts}</fieldset>"


class Block(_Around):
    """A `<div>` of the given classes around its children."""

    def __init__(self, css_class: str, *children: str | LayoutObject) -> None:
        super().__init__(*children)
        self.css_class = css_class

    def around(self, parts: str) -> str:
        return f'<div class="{conditional_escape(self.css_class)}">{parts}</div>'


class Markup(LayoutObject):
    """Markup written as it is, where a layout takes only layout objects and field names."""

    def __init__(self, html: SafeString) -> None:
        self.html = html
        self.fields: list[str] = []

    def render(
        self, form: forms.Form, context: Context, template_pack: str = TEMPLATE_PACK, **_: Any
    ) -> SafeString:
        return self.html


def submit(name: str, value: str) -> SafeString:
    """crispy's `Submit(name, value)`: a primary button named, valued and identified as
    crispy's own (`submit-id-<name>`)."""
    return SafeString(
        f'<input type="submit" name="{conditional_escape(name)}" '
        f'value="{conditional_escape(value)}" class="btn btn-primary" '
        f'id="submit-id-{slugify(name)}">'
    )
