"""Django's form renderer, with the common widgets written out in Python.

A select of seven options is sixteen template renders in Django's own templates (the
select, its attributes, and each option with its attributes); the exam form has about a
hundred of them, which made widgets half of the page's time. Inputs, selects and textareas
are built here with the same markup, byte for byte (tests/clinic/test_form_renderer.py
renders every widget of every form both ways); anything else, and any option with its own
template, falls through to the templates.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"

#: Widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = tuple(
    f"{WIDGETS}{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "tel",
        "search",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "color",
        "checkbox",
    )
)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the string of the value, escaped unless marked safe."""
    if type(value) is str:  # the common case, without Django's checks for lazy and safe text
        return html.escape(value)
    if isinstance(value, tuple):
        value = str(value)
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def shown(value: Any) -> str:
    """`{{ value }}`: localized, then escaped unless marked safe."""
    if type(value) is str:  # plain text: nothing to localize, nothing marked safe
        return html.escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() gives a whole number (a scale's 0 to 10)
    value = localize(value)
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


@lru_cache(maxsize=256)
def _attribute_name(name: str) -> str:
    """An attribute's name escaped: the names come from the code, a few dozen in all."""
    return html.escape(name)


def attributes(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        key = _attribute_name(name) if type(name) is str else shown(name)
        if value is True:
            out.append(f" {key}")
        else:
            out.append(f' {key}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>"
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = shown(widget["value"]) if widget["value"] else ""
    name = shown(widget["name"])
    return f'<textarea name="{name}"{attributes(widget["attrs"])}>\n{value}</textarea>'


def select_html(widget: dict[str, Any]) -> str | None:
    out = [f'<select name="{shown(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{shown(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None  # a custom option template: let the templates render it
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{attributes(option["attrs"])}>'
                f"{shown(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


BUILDERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": select_html,
}


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: the built-in widgets in Python, everything else as before."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        build = BUILDERS.get(template_name)
        html = build(context["widget"]) if build else None
        if html is None:
            return str(super().render(template_name, context, request=request))
        return html.strip()
