"""Filters and tags every template can use (a builtin library: see TEMPLATES in settings).

`{% url %}` and `{% static %}` are Django's, with each address worked out once per process:
reversing a URL and asking the static files storage were half of what the navigation cost
on every page. A template that loads Django's `static` library gets Django's tag back.
"""

from functools import cache, lru_cache

from crispy_forms.utils import TEMPLATE_PACK
from django import template
from django.apps import apps
from django.conf import settings
from django.forms import BoundField, Form
from django.template import defaulttags
from django.template.loader import get_template
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from clinic import form_cells
from clinic.names import display_name as _display_name

register = template.Library()


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> template.Node:
    """Django's `{% url %}`: the same syntax, addresses and errors (tests/clinic/test_tags.py)."""
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)


class KeptURLNode(defaulttags.URLNode):
    """A URL by name and plain arguments (numbers, text) is reversed once per process."""

    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        if self.kwargs or self.asvar or not all(isinstance(a, int | str) for a in args):
            return super().render(context)
        name = self.view_name.resolve(context)
        address = _reversed(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), name,
                            args, _current_app(context))  # fmt: skip
        return conditional_escape(address) if context.autoescape else address


def _current_app(context: template.Context) -> str | None:
    """The application namespace `URLNode.render` reverses in (the admin sets it)."""
    request = getattr(context, "request", None)
    if hasattr(request, "current_app"):
        return request.current_app  # type: ignore[union-attr]
    return getattr(getattr(request, "resolver_match", None), "namespace", None)


@lru_cache(maxsize=4096)
def _reversed(
    root: str, urlconf: str | None, prefix: str, name: str, args: tuple, current_app: str | None
) -> str:
    """`reverse()`, kept per URLconf and script prefix (the first three: the cache's key)."""
    return reverse(name, args=args, current_app=current_app)


@register.simple_tag(name="static")
def static(path: str) -> str:
    """Django's `{% static %}`: the address of a static file, asked of the storage once."""
    return _static(path)


@cache
def _static(path: str) -> str:
    return StaticNode.handle_simple(path)


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
