"""Who may open the treatment room's pages: anonymous, the wrong role, the right role."""

import pytest
from django.urls import reverse

from tests.builders import make_episode
from tests.plans.builders import make_approved_plan, make_exam, make_visits

pytestmark = pytest.mark.django_db

# page: (url name, needs, method, wrong role, right role, extra arguments)
PAGES = {
    "exam form": ("exam_edit", "episode", "get", "front_desk", "practitioner", ()),
    "live assessment": ("assessment_preview", "episode", "post", "front_desk", "practitioner", ()),
    "working diagnosis": ("diagnosis_record", "episode", "post", "front_desk", "practitioner", ()),
    "plan builder": ("plan_edit", "episode", "get", "front_desk", "practitioner", ()),
    "plan version": ("plan_detail", "plan", "get", "front_desk", "practitioner", ()),
    "change a plan": ("plan_revise", "plan", "post", "front_desk", "practitioner", ()),
    "print preview": ("plan_print_preview", "plan", "get", "front_desk", "practitioner",
                      ("patient",)),
    "patient copy PDF": ("plan_print", "plan", "get", "administrator", "front_desk",
                         ("patient", "a4")),
    "clinician copy PDF": ("plan_print", "plan", "get", "front_desk", "practitioner",
                           ("clinician", "letter")),
    "course of care": ("course_detail", "course", "get", "administrator", "front_desk", ()),
    "visit record": ("visit_edit", "course", "get", "front_desk", "practitioner", (1,)),
    "sign a visit": ("visit_sign", "course", "post", "front_desk", "practitioner", (1,)),
    "addendum": ("visit_addendum", "course", "post", "front_desk", "practitioner", (1,)),
    "move a visit": ("visit_status", "course", "post", "front_desk", "practitioner", (2,)),
    "progress report": ("progress_report", "course", "get", "front_desk", "practitioner",
                        ("patient",)),
    "patient's link": ("course_link_create", "course", "post", "administrator", "front_desk",
                       ()),
    "review decision": ("review_decide", "course", "post", "front_desk", "practitioner", ()),
}  # fmt: skip

OK = {"get": 200, "post": 302}  # a POST redirects (POST -> redirect -> GET)
ANSWERS_WITH_A_PAGE = {"live assessment"}  # the live panel is a partial, not a redirect


def url_for(page: str, author) -> str:
    name, needs, _method, _wrong, _right, extra = PAGES[page]
    episode = make_episode()
    make_exam(episode)
    target = make_approved_plan(episode, author) if needs != "episode" else episode
    if needs == "course":
        make_visits(episode, author, 6)
        target = episode
    return reverse(name, args=[target.pk, *extra])


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(page, practitioner, client_for):
    method = PAGES[page][2]
    response = getattr(client_for(None), method)(url_for(page, practitioner))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("page", PAGES)
def test_the_wrong_role_is_refused(page, practitioner, client_for, request):
    method, wrong = PAGES[page][2], PAGES[page][3]
    response = getattr(client_for(request.getfixturevalue(wrong)), method)(
        url_for(page, practitioner)
    )
    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_the_right_role_opens_the_page(page, practitioner, client_for, request):
    method, right = PAGES[page][2], PAGES[page][4]
    data = {"version": "0", "cause": "disc_herniation"} if method == "post" else None
    response = getattr(client_for(request.getfixturevalue(right)), method)(
        url_for(page, practitioner), data
    )
    assert response.status_code == (200 if page in ANSWERS_WITH_A_PAGE else OK[method])


def test_front_desk_sees_print_links_but_no_clinical_links_on_the_episode_page(
    practitioner, front_desk, client_for
):
    episode = make_episode()
    plan = make_approved_plan(episode, practitioner)
    page = client_for(front_desk).get(reverse("episode_detail", args=[episode.pk]))
    assert reverse("plan_print", args=[plan.pk, "patient", "a4"]) in page.text
    assert reverse("exam_edit", args=[episode.pk]) not in page.text
    assert f'href="{reverse("plan_detail", args=[plan.pk])}"' not in page.text


def test_front_desk_cannot_save_an_exam_by_posting_the_form(front_desk, client_for):
    episode = make_episode()
    url = reverse("exam_edit", args=[episode.pk])
    response = client_for(front_desk).post(url, {"version": "0", "duration_weeks": "2"})
    assert response.status_code == 403
    assert not hasattr(episode, "exam")
