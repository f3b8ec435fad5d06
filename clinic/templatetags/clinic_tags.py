"""Filters every template can use (a builtin library: see TEMPLATES in settings)."""

from functools import cache

from crispy_forms.utils import TEMPLATE_PACK
from django import template
from django.apps import apps
from django.forms import BoundField, Form
from django.template.loader import get_template
from django.utils.safestring import SafeString

from clinic import form_cells
from clinic.names import display_name as _display_name

register = template.Library()


@cache
def _names() -> dict[str, str]:
    return {
        str(model._meta.model_name): str(model._meta.verbose_name) for model in apps.get_models()
    }


@register.filter
def object_kind(model_name: str) -> str:
    """Audit events store a model's code ("treatmentplan"); staff read "treatment plan"."""
    return _names().get(model_name, model_name)


@register.filter
def display_name(user: object) -> str:
    return _display_name(user)


@register.simple_tag(takes_context=True)
def field_cell(context: template.Context, field: BoundField) -> str:
    """The field with its label, errors and help text, as crispy's Bootstrap 5 field
    template writes it (clinic/form_cells.py)."""
    return form_cells.from_context(field, context)


@register.filter
def cells(form: Form) -> SafeString:
    """The whole form as crispy's `|crispy` filter writes it (its errors, then each field),
    every field written by clinic/form_cells.py instead of crispy's templates."""
    errors = ""
    if form.non_field_errors():
        errors = get_template(f"{TEMPLATE_PACK}/errors.html").render({"form": form})
    return SafeString(errors + "".join(form_cells.cell(field) for field in form))
