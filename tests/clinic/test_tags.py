"""The builtin `{% url %}` and `{% static %}` give the addresses Django's own tags give, and
work each one out once per process."""

import pytest
from django.template import Context, Template
from django.templatetags.static import static as djangos_static
from django.urls import NoReverseMatch, reverse, set_script_prefix

from clinic.templatetags import clinic_tags

ADDRESSES = {
    "a page by name": ("{% url 'patient_list' %}", reverse("patient_list")),
    "a page with a number": ("{% url 'episode_detail' 5 %}", reverse("episode_detail", args=[5])),
    "a page with a variable": (
        "{% url 'episode_detail' pk %}",
        reverse("episode_detail", args=[7]),
    ),
    "a page with words": (
        "{% url 'plan_print' 3 'patient' 'a4' %}",
        reverse("plan_print", args=[3, "patient", "a4"]),
    ),
    "a page with a keyword": (
        "{% url 'episode_detail' pk=pk %}",
        reverse("episode_detail", kwargs={"pk": 7}),
    ),
    "a page kept in a variable": (
        "{% url 'patient_list' as there %}[{{ there }}]",
        f"[{reverse('patient_list')}]",
    ),
    "a static file": ("{% static 'css/app.css' %}", djangos_static("css/app.css")),
}


@pytest.mark.parametrize(("source", "expected"), ADDRESSES.values(), ids=ADDRESSES.keys())
def test_the_tags_give_djangos_addresses(source, expected):
    assert Template(source).render(Context({"pk": 7})) == expected


def test_an_address_is_worked_out_once():
    page = Template("{% url 'episode_detail' 41 %}")
    page.render(Context())
    before = clinic_tags._reversed.cache_info()
    assert page.render(Context()) == reverse("episode_detail", args=[41])
    after = clinic_tags._reversed.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


def test_an_address_follows_the_script_prefix_the_app_is_served_under():
    page = Template("{% url 'patient_list' %}")
    plain = page.render(Context())
    set_script_prefix("/clinic/")
    try:
        assert page.render(Context()) == "/clinic/" + plain.lstrip("/")
    finally:
        set_script_prefix("/")
    assert page.render(Context()) == plain


def test_an_unknown_page_is_an_error_as_with_djangos_tag():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no_such_page' %}").render(Context())
