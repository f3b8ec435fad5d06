"""A form's fields made once per process, copied for each form as Django copies them.

Django deep-copies a form class's `base_fields` for every form it makes, so that a form
may change its own fields (a help text, a widget's classes) without touching the next
form's; the exam's hundred fields took a millisecond to copy (the copy module's generic
machinery, field by field and widget by widget), about as long as making them anew.
`Fields` is a `base_fields` whose deep copy does what `Field.__deepcopy__` and
`Widget.__deepcopy__` do, attribute for attribute, without that machinery: each form gets
its own fields, widgets, widget attributes, error messages and validators, as before.
A field or widget with a copy of its own (any other `__deepcopy__`) is deep-copied by
Django's code. tests/clinic/test_form_fields.py compares the copies with Django's.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.forms.widgets import ChoiceWidget

from clinic.choices import FixedChoices

#: The copies `copy_field` makes as Django's own: a field's, a choice field's, a widget's
#: and a widget with choices'.
FIELD_COPIES = (vars(forms.Field)["__deepcopy__"], vars(forms.ChoiceField)["__deepcopy__"])
WIDGET_COPIES = (vars(forms.Widget)["__deepcopy__"], vars(ChoiceWidget)["__deepcopy__"])


def _copy_of(kind: type) -> Any:
    """The `__deepcopy__` a class has (its own or inherited)."""
    return getattr(kind, "__deepcopy__", None)


def _shallow(obj: Any) -> Any:
    """`copy.copy()` of an object whose state is its `__dict__`."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def copy_field(field: forms.Field) -> forms.Field:
    """`copy.deepcopy(field)`, for the fields and widgets Django copies in the plain way."""
    widget = field.widget
    if _copy_of(type(field)) not in FIELD_COPIES or _copy_of(type(widget)) not in WIDGET_COPIES:
        return copy.deepcopy(field)
    new = _shallow(field)
    new.widget = _shallow(widget)
    new.widget.attrs = widget.attrs.copy()
    # Fixed choices are their own copy: the shallow copies already hold them.
    if isinstance(widget, ChoiceWidget) and not isinstance(widget.choices, FixedChoices):
        new.widget.choices = copy.copy(widget.choices)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if isinstance(field, forms.ChoiceField) and not isinstance(field.choices, FixedChoices):
        new.__dict__["_choices"] = copy.deepcopy(field.__dict__["_choices"])
    return new


class Fields(dict[str, forms.Field]):
    """A form class's `base_fields` that each form copies with `copy_field`."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: copy_field(field) for name, field in self.items()}
