"""Fields written out in Python are what crispy's Bootstrap 5 templates would write.

Every field of every form the pages show (the exam, the plan builder, a visit, each
questionnaire step, a patient's details), as it comes and with an error on each field, is
rendered by `clinic.form_cells.cell()` and by crispy's own `field.html` (lists of
checkboxes also as crispy's `InlineCheckboxes`), and the two are compared as HTML.
"""

import io

import pytest
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.utils import render_field
from django import forms
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.forms.utils import ErrorDict
from django.template import Context, Template
from django.test import Client
from django.test.html import parse_html
from django.urls import reverse

from clinic.form_cells import CHOICES, cell
from clinic.models import Episode
from intake import patient_views
from intake.forms import STEP_FORMS
from intake.models import create_invitation
from plans.visits import Visit

pytestmark = pytest.mark.django_db

FLAGS = {"form_show_labels": True, "form_show_errors": True}


def crispy_html(form: forms.Form, name: str, inline: bool = False) -> str:
    context = Context(FLAGS)
    getattr(form, "rendered_fields", set()).discard(name)  # the page placed it once already
    if inline:
        return InlineCheckboxes(name).render(form, context)
    return render_field(name, form, context, template="bootstrap5/field.html")


def with_an_error_on_every_field(form: forms.Form) -> forms.Form:
    form._errors = ErrorDict()
    form.cleaned_data = {}
    for name in form.fields:
        form.add_error(name, f"{name} is <wrong> & must change")
    return form


def mismatches(form: forms.Form) -> list[str]:
    wrong = []
    for name, field in form.fields.items():
        ways = [False, True] if isinstance(field.widget, CHOICES) else [False]
        for inline in ways:
            ours = parse_html(cell(form[name], inline=inline))
            theirs = parse_html(crispy_html(form, name, inline))
            if ours != theirs:
                wrong.append(f"{type(form).__name__}.{name}{' inline' if inline else ''}")
    return wrong


def staff_forms(client: Client) -> list[forms.Form]:
    planned = Episode.objects.get(patient__last_name="Osei")
    last = Visit.objects.order_by("episode", "-number").first()
    assert last is not None
    pages = [
        reverse("exam_edit", args=[planned.pk]),
        reverse("plan_edit", args=[planned.pk]),
        reverse("patient_edit", args=[planned.patient.pk]),
        reverse("visit_edit", args=[last.episode_id, last.number + 1]),  # the next visit
    ]
    found = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found.append(response.context["form"])
    return found


def questionnaire_forms() -> list[forms.Form]:
    flagged = Episode.objects.get(patient__last_name="Solberg")
    invitation, _ = create_invitation(flagged, by=None)
    patient = Client()
    session = patient.session
    session[patient_views.SESSION_INVITATION] = invitation.pk
    session[patient_views.SESSION_LINK_HASH] = invitation.token_hash
    session[patient_views.SESSION_VERIFIED] = invitation.pk
    session.save()
    found = []
    for slug in STEP_FORMS:
        response = patient.get(reverse("questionnaire_step", args=[slug]))
        assert response.status_code == 200, slug
        found.append(response.context["form"])
    return found


def test_every_field_of_every_page_is_written_as_crispy_writes_it(settings, client):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="practitioner"))
    every = staff_forms(client) + questionnaire_forms()
    assert len(every) == 4 + len(STEP_FORMS)
    names = [type(form).__name__ for form in every]
    assert names[:4] == ["ExamForm", "PlanForm", "PatientForm", "VisitForm"]
    assert sum(len(form.fields) for form in every) > 200
    assert mismatches_of(every) == []


def mismatches_of(every: list[forms.Form]) -> list[str]:
    wrong = []
    for form in every:
        wrong += mismatches(form)
        wrong += [f"{w} with errors" for w in mismatches(with_an_error_on_every_field(form))]
    return wrong


class Sample(forms.Form):
    required_text = forms.CharField(label="Name <full>", help_text="As <b>written</b>.")
    ticked = forms.BooleanField(label="Agreed", required=True)
    sides = forms.ChoiceField(
        label="Side",
        choices=[("left", "Left"), ("right", "Right & more")],
        widget=forms.RadioSelect,
    )
    grouped = forms.MultipleChoiceField(
        label="Levels",
        choices=[("Lumbar", [("L4", "L4"), ("L5", "L5")]), ("S1", "S1")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize("data", [None, {"sides": "up", "grouped": ["L5"]}])
def test_required_marks_help_text_groups_radios_and_hidden_fields_match_too(data):
    form = Sample(data)
    if data:
        assert not form.is_valid()
    assert mismatches(form) == []


def test_a_difference_is_caught():
    """The comparison is not blind: a cell with another class fails it."""
    form = Sample()
    assert parse_html(cell(form["required_text"]).replace("mb-3", "mb-2")) != parse_html(
        crispy_html(form, "required_text")
    )


def small_forms() -> list[forms.Form]:
    from plans.forms import DiagnosisForm
    from plans.patient_views import FollowUpForm
    from plans.visit_forms import AddendumForm

    return [
        DiagnosisForm(proposed="disc_herniation"),
        DiagnosisForm({"cause": "spinal_stenosis"}, proposed="disc_herniation"),
        AddendumForm({"text": ""}),
        FollowUpForm(asked=("odi", "sbi")),
        FollowUpForm({"leg_pain_now": "11", "odi_pain": "9"}, asked=("odi", "sbi")),
    ]


def test_a_whole_small_form_is_written_as_crispys_filter_writes_it():
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    from clinic.templatetags.clinic_tags import cells

    page = Template("{{ form|cells }}")
    for form in small_forms():
        form.is_bound and form.is_valid()
        assert parse_html(cells(form)) == parse_html(as_crispy_form(form)), type(form).__name__
        assert page.render(Context({"form": form})) == cells(form)  # markup, not escaped


def test_a_form_error_of_no_one_field_is_shown_as_crispy_shows_it():
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    from clinic.templatetags.clinic_tags import cells

    form = Sample({"required_text": "x", "ticked": "on", "sides": "left"})
    assert form.is_valid()
    form.add_error(None, "These <answers> disagree.")
    assert "These &lt;answers&gt; disagree." in cells(form)
    assert parse_html(cells(form)) == parse_html(as_crispy_form(form))


def test_each_widget_written_without_djangos_context_is_byte_for_byte_djangos(settings, client):
    """Selects of fixed choices, inputs and text areas (`widget_html`), on every page, as
    they come and with an error on each field."""
    from clinic.form_cells import _lean, widget_html

    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="practitioner"))
    every = staff_forms(client) + questionnaire_forms()
    lean = 0
    for form in every + [with_an_error_on_every_field(form) for form in every]:
        for field in form:
            lean += bool(_lean(field.field.widget))
            assert widget_html(field, field.auto_id, field.errors) == str(field), field.name
    assert lean > 2 * 100


def test_a_list_of_fixed_choices_is_written_as_djangos_options_are():
    """Checkboxes and radio buttons of fixed choices, ticked or not, with an error or not,
    written without Django's options match the same list written from them."""
    from clinic.choices import FixedChoices
    from clinic.form_cells import _django_options, _option_inputs

    choices = FixedChoices([("", "None"), ("a<b", 'Says "<b>"'), ("c", "C")])

    class Lists(forms.Form):
        several = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, required=False
        )
        one = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
        marked = forms.MultipleChoiceField(
            choices=choices,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "x", "data-y": "1"}),
            help_text="Tick any.",
        )

    for data in (None, {"several": ["a<b", "c"], "one": "c", "marked": ["x"]}):
        form = Lists(data)
        form.is_bound and form.is_valid()
        for field in form:
            inputs = _option_inputs(field, field.auto_id, field.errors)
            assert inputs is not None
            ours = [f'<div class="form-check">{html}</div>' for html in inputs]
            assert ours == _django_options(field, "form-check", field.errors, ""), field.name
