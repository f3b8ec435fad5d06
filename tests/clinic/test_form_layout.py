"""A table of side-by-side fields renders each cell as crispy's own field would."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import render_crispy_form
from django import forms

from clinic.form_layout import FIELD_TEMPLATE, SideBySide, row

SIDES = [("", "Not tested"), ("positive", "Positive"), ("negative", "Negative")]


class TwoSides(forms.Form):
    slr_left = forms.ChoiceField(label="SLR, left", choices=SIDES, required=False)
    slr_right = forms.ChoiceField(label="SLR, right", choices=SIDES, required=False)
    angle_left = forms.IntegerField(label="Angle, left", max_value=120, required=False)
    angle_right = forms.IntegerField(
        label="Angle, right", max_value=120, required=False, help_text="Degrees."
    )

    def __init__(self, *args: object, lean: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_tag = False
        if lean:
            self.helper.field_template = FIELD_TEMPLATE
            self.helper.layout = Layout(
                SideBySide(
                    row("Straight leg raise", "slr_left", "slr_right"),
                    row("SLR angle", "angle_left", "angle_right"),
                    headings=("Left", "Right"),
                )
            )


def test_each_row_names_the_test_and_holds_both_sides_under_the_headings():
    html = render_crispy_form(TwoSides())
    assert html.index("<strong>Left</strong>") < html.index("Straight leg raise")
    assert html.index("Straight leg raise") < html.index('name="slr_left"')
    assert html.index('name="slr_right"') < html.index("SLR angle")
    assert '<label for="id_slr_left" class="form-label">SLR, left</label>' in html


def test_a_cell_has_the_classes_errors_and_help_text_of_crispys_field():
    form = TwoSides({"angle_right": "500", "slr_left": "positive"})
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'class="select form-select"' in html
    assert 'class="numberinput form-control is-invalid"' in html
    assert 'id="error_1_id_angle_right"' in html
    assert "less than or equal to 120" in html
    assert '<div id="id_angle_right_helptext" class="form-text">Degrees.</div>' in html
    assert '<option value="positive" selected>Positive</option>' in html


def test_the_lean_field_template_gives_the_same_widgets_as_crispys_own():
    data = {"angle_right": "500", "slr_left": "positive"}
    lean, crispy = TwoSides(data, lean=False), TwoSides(data, lean=False)
    lean.helper.field_template = FIELD_TEMPLATE
    lean.is_valid(), crispy.is_valid()
    words = lambda html: " ".join(html.split())  # noqa: E731
    for name in ("slr_left", "angle_right"):
        tag = "select" if name.startswith("slr") else 'input type="number"'
        start = f'<{tag} name="{name}"'
        lean_html, crispy_html = words(render_crispy_form(lean)), words(render_crispy_form(crispy))
        assert (
            lean_html[lean_html.index(start) :].split(">")[0]
            == (crispy_html[crispy_html.index(start) :].split(">")[0])
        )


def test_a_block_a_button_and_markup_are_what_crispys_div_submit_and_html_write():
    from crispy_forms.layout import HTML, Div, Submit
    from django.template import Context
    from django.test.html import parse_html
    from django.utils.safestring import SafeString

    from clinic.form_layout import Block, Markup, submit

    form, context = TwoSides(), Context({"form_show_labels": True})
    ours = Layout(
        Block("row g-2", Block("col-6", "slr_left"), SafeString("<p>Both</p>")),
        Markup(submit("approve", "Approve <plan>")),
    )
    theirs = Layout(
        Div(Div("slr_left", css_class="col-6"), HTML("<p>Both</p>"), css_class="row g-2"),
        Submit("approve", "Approve <plan>"),
    )
    html = ours.render(form, context)
    form.rendered_fields = set()
    form.crispy_field_template = FIELD_TEMPLATE
    assert parse_html(html) == parse_html(theirs.render(form, context))
    assert 'value="Approve &lt;plan&gt;"' in html
