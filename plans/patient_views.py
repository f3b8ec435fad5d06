"""The patient's own page between visits: their plan in plain words, their home exercises
and visit dates (with an .ics file for a phone's calendar), and the follow-up measures
when a review or the last visit is next. Nothing else of the record.

The link rules are the questionnaire's (`intake.patient_views`): no login, the token is
exchanged at once for the link's id in the session, the date of birth is asked before
anything is shown, wrong dates lock the link, and every unusable link shows one neutral
page. No page is cached or sends a referrer.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from clinic import audit
from clinic.models import ClinicSettings
from clinic.prepared import Prepared
from intake import questionnaire as q
from intake.core import vocabulary
from intake.forms import ShownForm, asked_questionnaires, shown_initial
from intake.models import IntakeSettings, hash_token
from intake.patient_views import LinkSession, link_unusable, private
from plans.pdf import print_context
from plans.visit_forms import NPRS, SBI_CHOICES
from plans.visits import (
    CourseLink,
    Slot,
    Visit,
    follow_up_due,
    plan_in_force,
    save_follow_up,
    schedule,
)

#: What the patient's page shows of the printed plan: nothing of the assessment or case.
PATIENT_KEYS = ("plan", "patient", "clinic", "modalities", "cause_name", "cause_words",
                "urgent_groups", "evidence_note")  # fmt: skip
SESSION_LINK = "course_link"
SESSION_LINK_HASH = "course_link_hash"
SESSION_VERIFIED = "course_verified"

View = Callable[..., HttpResponse]


COURSE_LINK = LinkSession(
    Prepared(lambda pk: CourseLink.objects.select_related("episode__patient").filter(pk=pk)),
    SESSION_LINK,
    SESSION_LINK_HASH,
    SESSION_VERIFIED,
    "course_link_check",
)
#: A page of the patient's course, reached only through the session its link opened.
course_page = COURSE_LINK.page


@login_not_required
@never_cache
def open_course_link(request: HttpRequest, token: str) -> HttpResponse:
    link = CourseLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None or not link.usable():
        return link_unusable(request)
    request.session.cycle_key()
    rotate_token(request)
    request.session[SESSION_LINK] = link.pk
    request.session[SESSION_LINK_HASH] = link.token_hash
    request.session.pop(SESSION_VERIFIED, None)
    return private(redirect("course_link_check"))


@course_page(verified=False)
def check_birth_date(request: HttpRequest, link: CourseLink) -> HttpResponse:
    return COURSE_LINK.check_birth_date(
        request,
        link,
        home="course_home",
        heading="Your treatment",
        said={
            "refused": "course link: link locked",
            "confirmed": "course link: date of birth confirmed",
            "wrong": "course link: wrong date of birth",
        },
    )


class FollowUpForm(ShownForm):
    """The short follow-up: leg and back pain, ODI, SBI, the global impression of change."""

    def __init__(self, *args: Any, asked: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        select = forms.Select(attrs={"class": "form-select"})
        self.fields["leg_pain_now"] = forms.TypedChoiceField(
            label="Your leg pain now (0 no pain, 10 the worst imaginable)",
            choices=NPRS, coerce=int, empty_value=None, required=False, widget=select,
        )  # fmt: skip
        self.fields["back_pain_now"] = forms.TypedChoiceField(
            label="Your back pain now (0 to 10)",
            choices=NPRS, coerce=int, empty_value=None, required=False, widget=select,
        )  # fmt: skip
        if "odi" in asked:  # the same sentences, and choices, as the first questionnaire
            for section, (title, levels) in q.ODI.items():
                options: list[tuple[Any, str]] = list(enumerate(levels))
                if section in q.ODI_MAY_NOT_APPLY:
                    options.append((q.ODI_NOT_APPLICABLE, "This does not apply to me"))
                self.fields[f"odi_{section}"] = forms.TypedChoiceField(
                    label=title, choices=options, coerce=_odi_level, empty_value=None,
                    required=False, widget=forms.RadioSelect,
                )  # fmt: skip
        if "sbi" in asked:
            for item, label in q.SBI.items():
                self.fields[f"sbi_{item}"] = forms.TypedChoiceField(
                    label=f"{label} (0 not at all, 6 extremely)",
                    choices=SBI_CHOICES, coerce=int, empty_value=None, required=False,
                    widget=select,
                )  # fmt: skip
        self.fields["global_change"] = forms.ChoiceField(
            label="Since treatment started, your sciatica is",
            choices=[("", "–"), *vocabulary.GLOBAL_CHANGES.choices("patient")],
            required=False,
            widget=select,
        )

    def merged(self, stored: dict[str, Any]) -> dict[str, Any]:
        """The answers saved so far with the fields this request changed written over them
        (`ShownForm.to_write`: a tab never undoes another's); a field cleared is removed."""
        flat = self.initial_from(stored)
        for name in self.to_write():
            if name in self.cleaned_data:
                flat[name] = self.cleaned_data[name]
        return self.answers_from(flat)

    @staticmethod
    def answers_from(c: dict[str, Any]) -> dict[str, Any]:
        """The follow-up's answers, as `course.measures[]` holds them, from the form's fields."""
        # A section that does not apply is kept as null, as the case format has it.
        odi = {t.code: None if c[f"odi_{t.code}"] == q.ODI_NOT_APPLICABLE else c[f"odi_{t.code}"]
               for t in vocabulary.ODI_SECTIONS if c.get(f"odi_{t.code}") is not None}  # fmt: skip
        sbi = {t.code: c[f"sbi_{t.code}"] for t in vocabulary.SBI_ITEMS
               if c.get(f"sbi_{t.code}") is not None}  # fmt: skip
        # The ODI is scored only with 8 or more sections: fewer are kept, not counted.
        found: dict[str, Any] = {k: c[k] for k in ("leg_pain_now", "back_pain_now")
                                 if c.get(k) is not None}  # fmt: skip
        questionnaires = {k: v for k, v in (("odi", odi), ("sbi", sbi)) if v}
        if questionnaires:
            found["questionnaires"] = questionnaires
        if c.get("global_change"):
            found["global_change"] = c["global_change"]
        return found

    @staticmethod
    def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
        initial = {k: answers.get(k) for k in ("leg_pain_now", "back_pain_now", "global_change")}
        for section, value in answers.get("questionnaires", {}).get("odi", {}).items():
            initial[f"odi_{section}"] = q.ODI_NOT_APPLICABLE if value is None else value
        for item, value in answers.get("questionnaires", {}).get("sbi", {}).items():
            initial[f"sbi_{item}"] = value
        return initial


def _odi_level(value: str) -> int | str:
    return value if value == q.ODI_NOT_APPLICABLE else int(value)


@course_page()
def course_home(request: HttpRequest, link: CourseLink) -> HttpResponse:
    """Their plan, their exercises and visit dates, and the follow-up when one is due."""
    episode = link.episode
    plan = plan_in_force(episode)
    if plan is None:
        return link_unusable(request)
    visits = list(episode.visits.all())
    due = follow_up_due(plan, visits)
    follow_up = episode.follow_ups.filter(at_visit=due).first() if due else None
    form = None
    asked = asked_questionnaires(IntakeSettings.load())
    if due is not None:
        if request.method == "POST":
            form = FollowUpForm(request.POST, initial=shown_initial(request.POST), asked=asked)
            background = request.POST.get("autosave") == "1"  # js/questionnaire.js, as typed
            if form.is_valid():
                with transaction.atomic():
                    saved = save_follow_up(episode, at_visit=due, change=form.merged)
                    audit.record(request, "change", saved, detail=f"follow-up before visit {due}")
                if background:
                    saved_at = f"{timezone.localtime(saved.saved_at):%H:%M}"
                    return JsonResponse({"saved_at": saved_at, "shown": form.posted_json()})
                messages.success(request, "Thank you: your answers are saved for your visit.")
                return redirect("course_home")
            if background:
                return JsonResponse({"errors": form.errors}, status=400)
        else:
            initial = FollowUpForm.initial_from(follow_up.answers if follow_up else {})
            form = FollowUpForm(initial=initial, asked=asked)
    today = timezone.localdate()
    dates = [
        (slot.number, slot.date, _in_words(slot, today))
        for slot in schedule(episode, plan, visits).slots
    ]
    audit.record(request, "view", link, detail="course page")
    printed = print_context(plan, "patient", "a4")
    context = {
        **{key: printed[key] for key in PATIENT_KEYS},
        "link": link,
        "due": due,
        "form": form,
        "saved": follow_up,
        "visit_rows": dates,
    }
    return render(request, "plans/patient_course.html", context)


def _in_words(slot: Slot, today: datetime.date) -> str:
    """What the patient's list says of a visit beside its date ("" for one to come)."""
    if slot.overdue(today):
        return "if you missed it, please call us to book another"
    if slot.status == Visit.Status.MOVED:
        return "moved to this day"
    return "" if slot.status == Visit.Status.PLANNED else slot.status_display


@course_page()
def course_calendar(request: HttpRequest, link: CourseLink) -> HttpResponse:
    """The planned visits as an .ics file, to add to a phone's calendar."""
    plan = plan_in_force(link.episode)
    if plan is None:
        return link_unusable(request)
    clinic = ClinicSettings.load()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//sciatica-clinic//course//EN"]
    for number, day in enumerate(plan.visit_dates(), start=1):
        lines += [
            "BEGIN:VEVENT",
            f"UID:visit-{link.episode_id}-{number}@sciatica-clinic",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"SUMMARY:{_ics_text(clinic.name)}: visit {number} of {plan.total_visits}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    audit.record(request, "export", link, detail="visit dates (.ics)")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="visits.ics"'
    return response


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", " ")
