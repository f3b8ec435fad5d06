"""One form field with its label, widget, errors and help text, written out in Python.

crispy-forms renders each field through its Bootstrap 5 templates: the field, then the
label, the help text, the errors and, for a list of checkboxes, every option's attributes,
each a template of its own with the page's whole context flattened into it. On a form of a
hundred fields (the exam, a visit, the plan) that was most of the page's time. `cell()`
writes the same markup in Python for the fields our forms use: inputs, selects and text
areas (the widget from `clinic.form_renderer`), a single checkbox, and lists of checkboxes
or radio buttons, stacked or inline. tests/clinic/test_form_cells.py renders every field of
every form both ways and compares the HTML. Anything else (a file input) goes through
crispy's own template.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.utils import ErrorList
from django.template.loader import get_template
from django.utils.safestring import SafeString

from clinic.choices import FixedChoices
from clinic.form_renderer import attributes, shown

#: Widgets that carry form-select rather than form-control.
SELECT = (forms.Select,)
#: Lists of options: each option a checkbox or a radio button with its own label.
CHOICES = (forms.CheckboxSelectMultiple, forms.RadioSelect)


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def bootstrap_widget(field: forms.BoundField, invalid: bool) -> str:
    """The widget with the classes crispy's `{% crispy_field %}` adds: its kind, then
    the Bootstrap class (form-select, form-control or form-check-input), then is-invalid
    when the field has errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        bootstrap = "form-check-input"
    else:
        bootstrap = "form-select" if isinstance(widget, SELECT) else "form-control"
    classes = widget.attrs.get("class", "").split()
    for name in (type(widget).__name__.lower(), bootstrap, "is-invalid" if invalid else ""):
        if name and name not in classes:
            classes.append(name)
    widget.attrs["class"] = " ".join(classes)
    if type(widget) is forms.Select and isinstance(widget.choices, FixedChoices):
        return fixed_select(field, widget, widget.choices)
    return str(field)


def fixed_select(field: forms.BoundField, widget: forms.Select, choices: FixedChoices) -> str:
    """`str(field)` for a plain select of fixed choices, without Django's widget context:
    the same attributes (`BoundField.build_widget_attrs`, `Widget.build_attrs`), the same
    rule for the option selected (the first whose value is the field's) and the markup of
    Django's select template, with the options escaped once (`FixedChoices.escaped`). A
    test compares every select of the exam with Django's own, byte for byte."""
    extra = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        extra.setdefault("id", field.auto_id)
    values = widget.format_value(field.value())
    options, chosen = [], False
    for text, value, label in choices.escaped:
        selected = not chosen and text in values
        chosen = chosen or selected
        mark = " selected" if selected else ""
        options.append(f'\n  <option value="{value}"{mark}>{label}</option>\n')
    attrs = attributes(widget.build_attrs(widget.attrs, extra))
    return SafeString(
        f'<select name="{shown(field.html_name)}"{attrs}>{"".join(options)}\n</select>'
    )


def _label(field: forms.BoundField) -> str:
    """The label's text, with crispy's asterisk on a required field."""
    text = shown(field.label)
    return text + ('<span class="asteriskField">*</span>' if field.field.required else "")


def _required(field: forms.BoundField) -> str:
    return " requiredField" if field.field.required else ""


def _errors(field: forms.BoundField, errors: ErrorList, show: bool = True) -> str:
    if not (show and errors):
        return ""
    lines = "".join(
        f'<p id="error_{n}_{field.auto_id}"><strong>{shown(error)}</strong></p>'
        for n, error in enumerate(errors, 1)
    )
    ident = getattr(errors, "field_id", field.auto_id)  # Django 5.2 sets it on the list
    return f'<div id="{ident}_error" class="invalid-feedback">{lines}</div>'


def _help(field: forms.BoundField) -> str:
    if not field.help_text:
        return ""
    ident = f'id="{field.auto_id}_helptext" ' if field.auto_id else ""
    return f'<div {ident}class="form-text">{field.help_text}</div>'  # help text is HTML


def _wrapper(field: forms.BoundField, first: str, wrapper_class: str) -> str:
    form = field.form  # css_classes() adds only the classes a form may name for these
    named = hasattr(form, "error_css_class") or hasattr(form, "required_css_class")
    return _classes(first, wrapper_class, field.css_classes() if named else "")


def _input(
    field: forms.BoundField, errors: ErrorList, show_labels: bool, show_errors: bool, wrapper: str
) -> str:
    label = ""
    if field.label and show_labels:
        target = f'for="{field.id_for_label}" ' if field.id_for_label else ""
        label = f'<label {target}class="form-label{_required(field)}">{_label(field)}</label>'
    return (
        f'<div id="div_{field.auto_id}" class="{_wrapper(field, "mb-3", wrapper)}">{label}'
        f"{bootstrap_widget(field, bool(errors))}{_errors(field, errors, show_errors)}"
        f"{_help(field)}</div>"
    )


def _checkbox(field: forms.BoundField, errors: ErrorList, show_errors: bool, wrapper: str) -> str:
    label = (
        f'<label for="{field.id_for_label}" class="form-check-label{_required(field)}">'
        f"{_label(field)}</label>"
    )
    return (
        f'<div class="mb-3"><div id="div_{field.auto_id}" '
        f'class="{_wrapper(field, "form-check", wrapper)}">'
        f"{bootstrap_widget(field, bool(errors))}{label}"
        f"{_errors(field, errors, show_errors)}{_help(field)}</div></div>"
    )


def optgroups(field: forms.BoundField) -> list[tuple[Any, list[dict[str, Any]], int]]:
    """A list of options as Django's widget describes them (each with its name, value,
    label, whether it is selected, and its id), grouped: what `{% for radio in field %}`
    and crispy's `optgroups` filter go through."""
    widget = field.field.widget
    ident = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": ident} if ident else {})
    return widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)


def _options(field: forms.BoundField, errors: ErrorList, show_errors: bool, inline: bool) -> str:
    """crispy's radio_checkbox_select.html: every option a form-check with its label."""
    groups = optgroups(field)
    invalid = " is-invalid" if errors else ""
    check = "form-check form-check-inline" if inline else "form-check"
    out = ["<div>"]
    for g, (group, options, _index) in enumerate(groups):
        if group:
            out.append(f"<strong>{shown(group)}</strong>")
        for n, option in enumerate(options):
            last = g == len(groups) - 1 and n == len(options) - 1
            below = _errors(field, errors, show_errors) if last and not inline else ""
            out.append(
                f'<div class="{check}"><input type="{option["type"]}" '
                f'class="form-check-input{invalid}" name="{field.html_name}" '
                f'value="{shown(option["value"])}"{attributes(option["attrs"])}>'
                f'<label for="{option["attrs"]["id"]}" class="form-check-label">'
                f"{shown(option['label'])}</label>{below}</div>"
            )
    out.append("</div>")
    if inline:
        out.append(_errors(field, errors))  # crispy shows these whatever form_show_errors says
    out.append(_help(field))
    return "".join(out)


def _choices(
    field: forms.BoundField,
    errors: ErrorList,
    show_labels: bool,
    show_errors: bool,
    wrapper: str,
    inline: bool,
) -> str:
    legend, end = "", ""
    if field.label and (show_labels or inline):
        described = field.aria_describedby
        described = f' aria-describedby="{described}"' if described else ""
        use_fieldset = inline or field.use_fieldset
        tag = "legend" if use_fieldset else "label"
        size = " fs-6" if use_fieldset else ""
        target = f'for="{field.id_for_label}" ' if inline or field.id_for_label else ""
        legend = (
            f'<{tag} {target}class="form-label{_required(field)}{size}">{_label(field)}</{tag}>'
        )
        if use_fieldset:
            legend, end = f"<fieldset{described}>{legend}", "</fieldset>"
    return (
        f'<div id="div_{field.auto_id}" class="{_wrapper(field, "mb-3", wrapper)}">{legend}'
        f"{_options(field, errors, show_errors, inline)}{end}</div>"
    )


def cell(
    field: forms.BoundField,
    *,
    show_labels: bool = True,
    show_errors: bool = True,
    wrapper_class: str = "",
    inline: bool = False,
) -> SafeString:
    """The field as crispy's Bootstrap 5 `field.html` renders it (with `inline`, as
    `InlineCheckboxes` does), in the default layout: labels above, no grid classes."""
    widget = field.field.widget
    errors = field.errors  # a new list on each reading when there are none: read it once
    if widget.is_hidden:
        html = str(field)
    elif isinstance(widget, CHOICES):
        html = _choices(field, errors, show_labels, show_errors, wrapper_class, inline)
    elif isinstance(widget, forms.CheckboxInput) and show_labels:
        html = _checkbox(field, errors, show_errors, wrapper_class)
    elif isinstance(widget, forms.CheckboxInput | forms.FileInput):
        html = crispy_cell(field, show_labels, show_errors, wrapper_class)
    else:
        html = _input(field, errors, show_labels, show_errors, wrapper_class)
    return SafeString(html)


def crispy_cell(
    field: forms.BoundField, show_labels: bool, show_errors: bool, wrapper_class: str
) -> str:
    """The field through crispy's own template, for the widgets `cell()` does not write."""
    return get_template(f"{TEMPLATE_PACK}/field.html").render(
        {
            "field": field,
            "form_show_labels": show_labels,
            "form_show_errors": show_errors,
            "wrapper_class": wrapper_class,
        }
    )


def flags(context: Any) -> dict[str, Any]:
    """The flags crispy puts in a layout's context, as `cell()`'s arguments: read once per
    layout object, not once per field."""
    return {
        "show_labels": context.get("form_show_labels") is not False,
        "show_errors": context.get("form_show_errors") is not False,
        "wrapper_class": context.get("wrapper_class") or "",
    }


def from_context(field: forms.BoundField, context: Any, **kwargs: Any) -> SafeString:
    """`cell()` with the flags crispy puts in a layout's context."""
    return cell(field, **flags(context), **kwargs)
