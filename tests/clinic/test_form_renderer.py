"""The form renderer writes the built-in widgets in Python with Django's own markup."""

import datetime
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from clinic.form_renderer import INPUT_TEMPLATES, FormRenderer
from intake.exam_forms import ExamForm
from plans.forms import PlanForm

FAST = FormRenderer()
TEMPLATES = DjangoTemplates()

CHOICES = [("", "Not tested"), ("positive", "Positive"), ("a<b", 'Says "<b>"'), (0, 0)]
GROUPED = [("", "None"), ("Lumbar", [("L4", "L4/5"), ("L5", "L5/S1")]), ("S1", "S1")]

#: (name, widget, value) that exercise every branch of the Python widgets.
CASES = [
    ("select, nothing chosen", forms.Select(choices=CHOICES), ""),
    ("select, one chosen", forms.Select(choices=CHOICES, attrs={"class": "form-select"}), "a<b"),
    ("select with groups", forms.Select(choices=GROUPED), "L5"),
    ("select of several", forms.SelectMultiple(choices=CHOICES), ["positive", "0"]),
    ("yes, no or unknown", forms.NullBooleanSelect(), True),
    ("number zero", forms.NumberInput(attrs={"min": 0, "step": "any"}), 0),
    ("number, decimal", forms.NumberInput(), 1.25),
    ("text to escape", forms.TextInput(attrs={"placeholder": 'a "b" <c>'}), "<script>"),
    ("text marked safe", forms.TextInput(attrs={"data-x": mark_safe("<i>")}), mark_safe("<b>")),
    ("attributes on and off", forms.TextInput(attrs={"required": True, "disabled": False}), None),
    ("attribute None", forms.TextInput(attrs={"title": None}), "x"),
    ("empty text", forms.TextInput(), ""),
    ("date", forms.DateInput(attrs={"type": "date"}), datetime.date(2026, 3, 2)),
    ("email", forms.EmailInput(), "a@example.org"),
    ("hidden", forms.HiddenInput(), 3),
    ("checkbox ticked", forms.CheckboxInput(), True),
    ("checkbox clear", forms.CheckboxInput(), False),
    ("textarea with text", forms.Textarea(attrs={"rows": 2}), "line one\n<two> & three"),
    ("empty textarea", forms.Textarea(), ""),
    ("textarea without value", forms.Textarea(), None),
]


@pytest.mark.parametrize(("name", "widget", "value"), CASES, ids=[c[0] for c in CASES])
def test_each_widget_is_written_exactly_as_the_templates_write_it(name, widget, value):
    attrs = {"id": f"id_{name}"}
    fast = widget.render("field", value, attrs, renderer=FAST)
    slow = widget.render("field", value, attrs, renderer=TEMPLATES)
    assert fast == slow


def test_every_field_of_the_exam_and_plan_forms_renders_as_with_the_templates():
    exam = ExamForm(initial={"slr_left": "positive", "slr_left_angle": 40, "onset": "sudden"})
    plan = PlanForm({"points": "BL23\nGB30", "session_minutes": "x"}, excluded={"cupping": "no"})
    plan.is_valid()
    for form in (exam, plan):
        for field in form:
            fast = field.as_widget(attrs={"class": "form-select"})
            form.renderer = TEMPLATES
            slow = field.as_widget(attrs={"class": "form-select"})
            form.renderer = FAST
            assert fast == slow, field.name


def test_the_input_templates_handled_in_python_are_still_only_the_plain_input():
    """If Django gives one of them markup of its own, the Python shortcut must go."""
    widgets = Path(django.__file__).parent / "forms" / "templates"
    plain = '{% include "django/forms/widgets/input.html" %}'
    for name in INPUT_TEMPLATES[1:]:
        assert (widgets / name).read_text().strip() == plain, name


def test_the_site_uses_this_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)
