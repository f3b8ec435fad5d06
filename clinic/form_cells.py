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

The widget itself, for a select of fixed choices, an input or a text area, is written
without Django's widget context (`widget_html`: the same attributes, value and markup,
byte for byte), and a list of fixed choices without a dictionary per option
(`_option_inputs`); a cell reads the field's id and errors once and hands them down.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.utils import ErrorList
from django.forms.widgets import Input
from django.template.loader import get_template
from django.utils.safestring import SafeString

from clinic.choices import FixedChoices
from clinic.form_renderer import BUILDERS, WIDGETS, FormRenderer, attributes, shown

#: Widgets that carry form-select rather than form-control.
SELECT = (forms.Select,)
#: Lists of options: each option a checkbox or a radio button with its own label.
CHOICES = (forms.CheckboxSelectMultiple, forms.RadioSelect)
TEXTAREA = WIDGETS + "textarea.html"


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def bootstrap_widget(field: forms.BoundField, ident: str, errors: ErrorList) -> str:
    """The widget with the classes crispy's `{% crispy_field %}` adds: its kind, then
    the Bootstrap class (form-select, form-control or form-check-input), then is-invalid
    when the field has errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        bootstrap = "form-check-input"
    else:
        bootstrap = "form-select" if isinstance(widget, SELECT) else "form-control"
    classes = widget.attrs.get("class", "").split()
    for name in (type(widget).__name__.lower(), bootstrap, "is-invalid" if errors else ""):
        if name and name not in classes:
            classes.append(name)
    widget.attrs["class"] = " ".join(classes)
    return widget_html(field, ident, errors)


def widget_attrs(
    field: forms.BoundField, widget: forms.Widget, ident: str, errors: ErrorList, attrs: dict
) -> dict[str, Any]:
    """The widget's attributes as `BoundField.as_widget` gives them to the widget
    (`BoundField.build_widget_attrs`, then `Widget.build_attrs`), from what the cell has
    already read once: the field's id and its errors."""
    extra = dict(attrs)
    f = field.field
    # Django asks the widget first; the field and the form are cheaper to ask.
    required = f.required and field.form.use_required_attribute
    if required and widget.use_required_attribute(field.initial):
        extra["required"] = True
    if f.disabled:
        extra["disabled"] = True
    hidden = widget.is_hidden
    if not hidden and errors:
        extra["aria-invalid"] = "true"
    if not extra.get("aria-describedby") and not field.use_fieldset:
        described = _described_by(field, widget, ident, errors)
        if described:
            extra["aria-describedby"] = described
    return {**widget.attrs, **extra}


def _described_by(
    field: forms.BoundField, widget: forms.Widget, ident: str, errors: ErrorList
) -> str | None:
    """`BoundField.aria_describedby`."""
    if widget.attrs.get("aria-describedby"):
        return None
    if not ident or widget.is_hidden:
        return ""
    ids = [f"{ident}_helptext"] if field.help_text else []
    if errors:
        ids.append(f"{ident}_error")
    return " ".join(ids)


def _plain(kind: type[forms.Widget], base: type[forms.Widget]) -> bool:
    """Whether the widget class renders as `base` does: same context, same render."""
    return kind.get_context is base.get_context and kind.render is forms.Widget.render


def _lean(widget: forms.Widget) -> str:
    """Which of the lean ways writes this widget: "select", "input", "textarea" or ""."""
    kind = type(widget)
    if isinstance(widget, forms.Select) and kind is forms.Select:
        return "select" if isinstance(widget.choices, FixedChoices) else ""
    if issubclass(kind, Input) and _plain(kind, Input):
        return "input" if widget.template_name in BUILDERS else ""
    if issubclass(kind, forms.Textarea) and _plain(kind, forms.Widget):
        return "textarea" if widget.template_name == TEXTAREA else ""
    return ""


def widget_html(field: forms.BoundField, ident: str, errors: ErrorList) -> str:
    """`str(field)`, for a select of fixed choices, an input or a text area, without
    Django's widget context: the same attributes (`widget_attrs`), value
    (`Widget.format_value`) and markup (clinic.form_renderer), the options of a select
    written from `FixedChoices.options`. Any other widget, or a form with another
    renderer, is Django's own `str(field)`. A test compares every widget of every page
    with Django's, byte for byte, with and without errors."""
    widget = field.field.widget
    lean = _lean(widget) if isinstance(field.form.renderer, FormRenderer) else ""
    if not lean:
        return str(field)
    if field.field.localize:
        widget.is_localized = True
    attrs = widget_attrs(field, widget, ident, errors, {})
    if ident and "id" not in widget.attrs:
        attrs.setdefault("id", ident)
    value = widget.format_value(field.value())
    name = field.html_name
    if lean == "select":
        return fixed_select(name, attrs, value, widget.choices)
    if lean == "input":
        context = {"type": widget.input_type, "name": name, "value": value, "attrs": attrs}
        return SafeString(BUILDERS[widget.template_name](context))
    return SafeString(BUILDERS[TEXTAREA]({"name": name, "value": value, "attrs": attrs}))


def fixed_select(name: str, attrs: dict[str, Any], values: list[str], choices: FixedChoices) -> str:
    """Django's select template, the first option whose value is the field's selected."""
    options, chosen = [], False
    for text, plain, selected in choices.options:
        if not chosen and text in values:
            chosen = True
            options.append(selected)
        else:
            options.append(plain)
    return SafeString(
        f'<select name="{shown(name)}"{attributes(attrs)}>{"".join(options)}\n</select>'
    )


def _label(field: forms.BoundField) -> str:
    """The label's text, with crispy's asterisk on a required field."""
    text = shown(field.label)
    return text + ('<span class="asteriskField">*</span>' if field.field.required else "")


def _required(field: forms.BoundField) -> str:
    return " requiredField" if field.field.required else ""


def _for_label(field: forms.BoundField, ident: str) -> str:
    """`BoundField.id_for_label`."""
    widget = field.field.widget
    return widget.id_for_label(widget.attrs.get("id") or ident)


def _errors(ident: str, errors: ErrorList, show: bool = True) -> str:
    if not (show and errors):
        return ""
    lines = "".join(
        f'<p id="error_{n}_{ident}"><strong>{shown(error)}</strong></p>'
        for n, error in enumerate(errors, 1)
    )
    ident = getattr(errors, "field_id", ident)  # Django 5.2 sets it on the list
    return f'<div id="{ident}_error" class="invalid-feedback">{lines}</div>'


def _help(field: forms.BoundField, ident: str) -> str:
    if not field.help_text:
        return ""
    target = f'id="{ident}_helptext" ' if ident else ""
    return f'<div {target}class="form-text">{field.help_text}</div>'  # help text is HTML


def _wrapper(field: forms.BoundField, first: str, wrapper_class: str) -> str:
    form = field.form  # css_classes() adds only the classes a form may name for these
    named = hasattr(form, "error_css_class") or hasattr(form, "required_css_class")
    return _classes(first, wrapper_class, field.css_classes() if named else "")


def _input(
    field: forms.BoundField,
    ident: str,
    errors: ErrorList,
    show_labels: bool,
    show_errors: bool,
    wrapper: str,
) -> str:
    label = ""
    if field.label and show_labels:
        for_label = _for_label(field, ident)
        target = f'for="{for_label}" ' if for_label else ""
        label = f'<label {target}class="form-label{_required(field)}">{_label(field)}</label>'
    return (
        f'<div id="div_{ident}" class="{_wrapper(field, "mb-3", wrapper)}">{label}'
        f"{bootstrap_widget(field, ident, errors)}{_errors(ident, errors, show_errors)}"
        f"{_help(field, ident)}</div>"
    )


def _checkbox(
    field: forms.BoundField, ident: str, errors: ErrorList, show_errors: bool, wrapper: str
) -> str:
    label = (
        f'<label for="{_for_label(field, ident)}" class="form-check-label{_required(field)}">'
        f"{_label(field)}</label>"
    )
    return (
        f'<div class="mb-3"><div id="div_{ident}" '
        f'class="{_wrapper(field, "form-check", wrapper)}">'
        f"{bootstrap_widget(field, ident, errors)}{label}"
        f"{_errors(ident, errors, show_errors)}{_help(field, ident)}</div></div>"
    )


def optgroups(field: forms.BoundField) -> list[tuple[Any, list[dict[str, Any]], int]]:
    """A list of options as Django's widget describes them (each with its name, value,
    label, whether it is selected, and its id), grouped: what `{% for radio in field %}`
    and crispy's `optgroups` filter go through."""
    widget = field.field.widget
    ident = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": ident} if ident else {})
    return widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)


def _option_inputs(field: forms.BoundField, ident: str, errors: ErrorList) -> list[str] | None:
    """Each option's `<input>` of a list of fixed choices, as Django's `optgroups` and
    `create_option` describe it (the list's attributes on every option, its id numbered,
    checked when chosen), without a dictionary per option; None for any other list."""
    widget = field.field.widget
    ident = widget.attrs.get("id") or ident
    if not (
        ident
        and isinstance(widget.choices, FixedChoices)
        and type(widget) in (forms.CheckboxSelectMultiple, forms.RadioSelect)
    ):
        return None
    attrs = widget_attrs(field, widget, ident, errors, {"id": ident})
    if "checked" in attrs:
        return None
    names = list(attrs)
    at = names.index("id")
    before = attributes({k: attrs[k] for k in names[:at]})
    after = attributes({k: attrs[k] for k in names[at + 1 :]})
    values = widget.format_value(field.value())
    several = widget.allow_multiple_selected
    invalid = " is-invalid" if errors else ""
    start = f'<input type="{widget.input_type}" class="form-check-input{invalid}" '
    start += f'name="{field.html_name}" value="'
    inputs, chosen = [], False
    for index, (value, label) in enumerate(widget.choices):
        text = "" if value is None else str(value)
        selected = (several or not chosen) and text in values
        chosen = chosen or selected
        number = f"{ident}_{index}"
        inputs.append(
            f'{start}{shown("" if value is None else value)}"{before} id="{shown(number)}"'
            f"{after}{' checked' if selected else ''}>"
            f'<label for="{number}" class="form-check-label">{shown(label)}</label>'
        )
    return inputs


def _options(
    field: forms.BoundField, ident: str, errors: ErrorList, show_errors: bool, inline: bool
) -> str:
    """crispy's radio_checkbox_select.html: every option a form-check with its label."""
    check = "form-check form-check-inline" if inline else "form-check"
    below = _errors(ident, errors, show_errors) if not inline else ""
    inputs = _option_inputs(field, ident, errors)
    out = ["<div>"]
    if inputs is not None:
        out += [f'<div class="{check}">{html}</div>' for html in inputs]
        if below and inputs:
            out[-1] = f'<div class="{check}">{inputs[-1]}{below}</div>'
    else:
        out += _django_options(field, check, errors, below)
    out.append("</div>")
    if inline:
        out.append(_errors(ident, errors))  # crispy shows these whatever form_show_errors says
    out.append(_help(field, ident))
    return "".join(out)


def _django_options(
    field: forms.BoundField, check: str, errors: ErrorList, below: str
) -> list[str]:
    """The options of any list (groups, choices made per form) from Django's `optgroups`."""
    groups = optgroups(field)
    invalid = " is-invalid" if errors else ""
    out = []
    for g, (group, options, _index) in enumerate(groups):
        if group:
            out.append(f"<strong>{shown(group)}</strong>")
        for n, option in enumerate(options):
            last = g == len(groups) - 1 and n == len(options) - 1
            out.append(
                f'<div class="{check}"><input type="{option["type"]}" '
                f'class="form-check-input{invalid}" name="{field.html_name}" '
                f'value="{shown(option["value"])}"{attributes(option["attrs"])}>'
                f'<label for="{option["attrs"]["id"]}" class="form-check-label">'
                f"{shown(option['label'])}</label>{below if last else ''}</div>"
            )
    return out


def _choices(
    field: forms.BoundField,
    ident: str,
    errors: ErrorList,
    show_labels: bool,
    show_errors: bool,
    wrapper: str,
    inline: bool,
) -> str:
    legend, end = "", ""
    if field.label and (show_labels or inline):
        widget = field.field.widget
        described = _described_by(field, widget, ident, errors)
        described = f' aria-describedby="{described}"' if described else ""
        use_fieldset = inline or widget.use_fieldset
        tag = "legend" if use_fieldset else "label"
        size = " fs-6" if use_fieldset else ""
        for_label = _for_label(field, ident)
        target = f'for="{for_label}" ' if inline or for_label else ""
        legend = (
            f'<{tag} {target}class="form-label{_required(field)}{size}">{_label(field)}</{tag}>'
        )
        if use_fieldset:
            legend, end = f"<fieldset{described}>{legend}", "</fieldset>"
    return (
        f'<div id="div_{ident}" class="{_wrapper(field, "mb-3", wrapper)}">{legend}'
        f"{_options(field, ident, errors, show_errors, inline)}{end}</div>"
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
    ident = field.auto_id  # read once: each reading formats it anew
    errors = field.errors  # a new list on each reading when there are none: read it once
    if widget.is_hidden:
        html = widget_html(field, ident, errors)
    elif isinstance(widget, CHOICES):
        html = _choices(field, ident, errors, show_labels, show_errors, wrapper_class, inline)
    elif isinstance(widget, forms.CheckboxInput) and show_labels:
        html = _checkbox(field, ident, errors, show_errors, wrapper_class)
    elif isinstance(widget, forms.CheckboxInput | forms.FileInput):
        html = crispy_cell(field, show_labels, show_errors, wrapper_class)
    else:
        html = _input(field, ident, errors, show_labels, show_errors, wrapper_class)
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
