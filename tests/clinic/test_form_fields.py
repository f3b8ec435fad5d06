"""Fields made once are copied for each form as Django copies them (clinic/form_fields.py)."""

import copy

from django import forms

from clinic.form_cells import cell
from clinic.form_fields import Fields, copy_field
from intake.exam_forms import ExamForm
from plans.forms import PlanForm


def state(obj: object) -> dict:
    """What an object holds, its widget's included, for comparing two copies."""
    found = dict(vars(obj))
    if isinstance(obj, forms.Field):
        found["widget"] = (type(obj.widget), state(obj.widget))
    return found


def test_each_field_is_copied_as_djangos_deep_copy_copies_it():
    for form_class in (ExamForm, PlanForm):
        for name, field in form_class.base_fields.items():
            ours, django = copy_field(field), copy.deepcopy(field)
            assert type(ours) is type(django), name
            assert state(ours) == state(django), name


def test_a_copy_shares_nothing_a_form_may_change():
    for name, field in ExamForm.base_fields.items():
        ours = copy_field(field)
        assert ours is not field and ours.widget is not field.widget, name
        assert ours.widget.attrs is not field.widget.attrs, name
        assert ours.error_messages is not field.error_messages, name
        assert ours.validators is not field.validators, name


def test_what_one_exam_form_changes_in_its_fields_the_next_form_does_not_see():
    told = ExamForm(questionnaire_history={"duration_weeks": 6})
    assert told.fields["duration_weeks"].help_text == "Questionnaire: 6"
    wrong = ExamForm({"version": "x", "abi": "high"})
    assert "is-invalid" in cell(wrong["abi"])  # the cell marks its widget
    fresh = ExamForm()
    assert fresh.fields["duration_weeks"].help_text == ""
    assert "is-invalid" not in fresh.fields["abi"].widget.attrs.get("class", "")
    assert "is-invalid" not in ExamForm.base_fields["abi"].widget.attrs.get("class", "")


def test_a_field_with_a_copy_of_its_own_is_copied_by_django():
    fields = Fields(
        when=forms.SplitDateTimeField(),  # a MultiValueField: copies its fields too
        note=forms.CharField(widget=forms.SplitDateTimeWidget),  # a MultiWidget
    )
    copied = copy.deepcopy(fields)
    assert copied["when"].fields[0] is not fields["when"].fields[0]
    assert copied["note"].widget.widgets[0] is not fields["note"].widget.widgets[0]


def test_a_form_of_fields_made_once_gets_its_own_fields():
    class Once(forms.Form):
        pass

    Once.base_fields = Fields(name=forms.CharField(help_text="As written."))
    first, second = Once(), Once()
    first.fields["name"].help_text = "Changed."
    assert second.fields["name"].help_text == "As written."
    assert first.fields["name"] is not Once.base_fields["name"]
