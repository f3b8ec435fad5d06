"""Audit events store a model's code ("treatmentplan"); staff read its name ("treatment plan")."""

from functools import cache

from django import template
from django.apps import apps

register = template.Library()


@cache
def _names() -> dict[str, str]:
    return {model._meta.model_name: str(model._meta.verbose_name) for model in apps.get_models()}


@register.filter
def object_kind(model_name: str) -> str:
    return _names().get(model_name, model_name)
