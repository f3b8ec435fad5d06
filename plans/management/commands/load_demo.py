"""Load a fictional demo clinic: one login per role, made-up patients, and care under way.

Idempotent: running it again changes nothing that is already there. Every name,
date and number here is invented. It lives in `plans`, the app that may use all others.

- Zoë Marchetti: the questionnaire is submitted and waits for the practitioner's review.
- Daniel Osei: examined (an L5 disc herniation is likely), diagnosis confirmed, plan
  approved and printed, and mid-course: 5 visits of 10 signed, improving at the review.
- Lena Hartmann: the same plan, 4 visits and no meaningful change at the review visit.
- Samuel Adeyemi: a course of 6 visits done, improving, discharged.
- Henrik Solberg: answered "yes" to a bladder question: a red flag on the dashboard.
"""

import datetime
import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clinic.models import ClinicSettings, Episode, Patient, fold
from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER
from intake.core.case import RED_FLAG_QUESTIONS
from intake.core.vocabulary import ODI_SECTIONS
from intake.models import Questionnaire, episode_case, save_exam
from plans.core.assessment import assessment_document
from plans.forms import PlanForm
from plans.models import approve_plan, record_diagnosis, save_draft, visit_dates
from plans.visits import decide_review, plan_in_force, save_visit, sign_visit

# (username, password, first name, last name, role, is Django admin staff)
DEMO_USERS = [
    ("practitioner", "demo-practitioner", "Mira", "Okafor", PRACTITIONER, False),
    ("frontdesk", "demo-frontdesk", "Tom", "Reyes", FRONT_DESK, False),
    ("admin", "demo-admin", "Ada", "Lindqvist", ADMINISTRATOR, True),
]

DEMO_PATIENTS = [
    ("Zoë", "Marchetti", datetime.date(1986, 4, 12), "female", "07700 900123"),
    ("Daniel", "Osei", datetime.date(1971, 9, 30), "male", "07700 900456"),
    ("Priya", "Natarajan", datetime.date(1992, 1, 5), "female", "07700 900789"),
    ("Henrik", "Solberg", datetime.date(1958, 11, 23), "male", "07700 900321"),
    ("Lena", "Hartmann", datetime.date(1979, 6, 2), "female", "07700 900654"),
    ("Samuel", "Adeyemi", datetime.date(1965, 2, 17), "male", "07700 900987"),
]


NO_RED_FLAGS = dict.fromkeys(RED_FLAG_QUESTIONS, False)
L5_REGIONS = ["buttock", "posterior_thigh", "shin", "foot"]
L5_HISTORY = {
    "duration_weeks": 3,
    "onset": "sudden",
    "trigger": "lifting",
    "side": "right",
    "pain_regions": L5_REGIONS,
    "leg_pain_worse_than_back": True,
    "symptoms": ["numbness", "tingling"],
    "aggravating": ["sitting", "coughing_sneezing"],
    "relieving": ["lying_down"],
    "neurogenic_claudication": False,
    "leg_pain_now": 6,
    "leg_pain_worst": 8,
    "leg_pain_best": 3,
    "back_pain_now": 3,
    "red_flags": NO_RED_FLAGS,
    "conditions": [],
    "contributing": ["sedentary_work"],
}
L5_FINDINGS = {
    "slr": {"right": {"result": "positive", "angle_deg": 40}, "left": {"result": "negative"}},
    "slump": {"right": {"result": "positive"}},
    "strength": {
        "ankle_dorsiflexion": {"right": 4, "left": 5},
        "great_toe_extension": {"right": 4, "left": 5},
    },
    "sensation": {"L5": {"right": "reduced", "left": "normal"}},
    "heel_walk": {"right": "difficult", "left": "normal"},
}
ODI = {
    "pain_intensity": 3, "personal_care": 1, "lifting": 3, "walking": 2, "sitting": 3,
    "standing": 2, "sleeping": 2, "sex_life": None, "social_life": 2, "travelling": 3,
}  # fmt: skip


def submitted_questionnaire(episode: Episode, _by: object) -> None:
    Questionnaire.objects.create(
        episode=episode,
        answers={
            "patient": {"pregnant": False},
            "history": {**L5_HISTORY, "side": "left", "duration_weeks": 8},
            "questionnaires": {"odi": ODI},
        },
        extra={
            "goals": "Sit through a working day and walk the dog again.",
            "pain_map": ["left_buttock", "left_posterior_thigh", "left_shin", "left_foot"],
        },
        last_saved_at=timezone.now(),
        submitted_at=timezone.now(),
    )


def approved_plan(episode: Episode, by: object, done: int = 0, **dose: Any) -> None:
    """The exam, the diagnosis and the plan approved. A course under way (`done` visits
    recorded) began on the day that puts its next visit today, as a clinic's would."""
    parts = {
        "patient": {},
        "findings": L5_FINDINGS,
        "imaging": {},
        "history": L5_HISTORY,
        "tcm_notes": {},
    }
    exam = save_exam(episode, parts=parts, opened_at_version=0, by=by)
    proposal = assessment_document(episode_case(episode))
    cause = proposal["causes"][0]["code"]
    record_diagnosis(
        episode, cause=cause, proposed_cause=cause, reason="", exam_version=exam.version, by=by
    )
    today = timezone.localdate()
    start = today
    if done:  # the next visit, number done + 1, falls today
        start = today - (visit_dates(today, dose["visits_per_week"], done + 1)[done] - today)
    initial = PlanForm.initial_from_proposal(proposal["plan"], start) | dose
    if done:  # a course under way began in the past, on purpose
        initial["confirm_past_start"] = True
    form = PlanForm(initial, excluded={})
    if not form.is_valid():
        raise CommandError(f"The demo plan is not valid: {form.errors.as_text()}")
    approve_plan(save_draft(episode, fields=form.plan_fields(), by=by), by=by)


def treated(episode: Episode, by: Any, legs: list[int], decision: str = "") -> None:
    """Visits 1, 2, ... signed, with leg pain before each; the outcomes again at the review
    and at the end; the practitioner's decision at the last one."""
    # The baseline ODI (50 %), answered before the first visit.
    Questionnaire.objects.create(
        episode=episode,
        answers={"history": L5_HISTORY, "questionnaires": {"odi": ODI}},
        extra={"pain_map": [f"right_{region}" for region in L5_REGIONS]},
        last_saved_at=timezone.now(),
        submitted_at=timezone.now(),
        reviewed_at=timezone.now(),
    )
    plan = plan_in_force(episode)
    assert plan is not None
    dates = plan.visit_dates()
    Episode.objects.filter(pk=episode.pk).update(opened=dates[0] - datetime.timedelta(days=7))
    for number, leg in enumerate(legs, start=1):
        odi_each = 2 if leg >= 5 else 1  # 40 % or 20 %: the baseline is 50 %
        measures = {}
        if number in (plan.reassess_at_visit, plan.total_visits):
            measures = {
                "leg_pain_now": leg,
                "back_pain_now": 3 if leg >= 5 else 1,
                "questionnaires": {"odi": dict.fromkeys(ODI_SECTIONS.codes, odi_each)},
                "global_change": "much_improved" if leg <= 3 else "no_change",
            }
        record = {
            "position": "prone",
            "modalities": [
                {"code": "acupuncture", "needles": 8, "retention_minutes": 20, "de_qi": True,
                 "points": [{"point": p, "side": "right"} for p in plan.points]},
            ],
            "overrides": {},
            "session_minutes": plan.session_minutes,
            "leg_pain_before": leg,
            "leg_pain_after": max(leg - 1, 0),
            "back_pain_before": 3 if leg >= 5 else 1,
            "adverse_events": [{"code": "bruising", "action": "Reassured; cold compress."}]
            if number == 2 else [],
            "adherence": "most",
            "soap": {"s": "", "o": "", "a": "", "p": ""},
            "red_flags": NO_RED_FLAGS,
        }  # fmt: skip
        visit = save_visit(
            episode, number=number, date=dates[number - 1], record=record, measures=measures,
            opened_at_version=0, by=by,
        )  # fmt: skip
        sign_visit(visit, opened_at_version=visit.version, by=by)
    if decision:
        decide_review(
            episode, at_visit=len(legs), recommended=decision, decision=decision, note="", by=by
        )


def mid_course(episode: Episode, by: Any) -> None:
    approved_plan(episode, by, 5, total_visits=10, reassess_at_visit=4, visits_per_week=2)
    treated(episode, by, [7, 6, 5, 4, 4], decision="")
    # Improving at the review (visit 4): the practitioner chose to continue the plan.
    decide_review(episode, at_visit=4, recommended="continue", decision="continue", note="", by=by)


def not_improving(episode: Episode, by: Any) -> None:
    approved_plan(episode, by, 4, total_visits=8, reassess_at_visit=4, visits_per_week=2)
    treated(episode, by, [6, 6, 6, 6])


def discharged(episode: Episode, by: Any) -> None:
    approved_plan(episode, by, 6, total_visits=6, reassess_at_visit=3, visits_per_week=2)
    treated(episode, by, [6, 5, 3, 3, 2, 2], decision="discharge")
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSED)


def red_flag_questionnaire(episode: Episode, _by: object) -> None:
    history = {"duration_weeks": 1, "red_flags": {**NO_RED_FLAGS, "bladder_dysfunction": True}}
    Questionnaire.objects.create(
        episode=episode,
        answers={"history": history},
        red_flag=True,
        emergency=True,
        red_flag_at=timezone.now(),
        last_saved_at=timezone.now(),
        resume_step="health",  # he stopped after the safety questions
    )


DEMO_CARE = {
    "Marchetti": submitted_questionnaire,
    "Osei": mid_course,
    "Solberg": red_flag_questionnaire,
    "Hartmann": not_improving,
    "Adeyemi": discharged,
}


class Command(BaseCommand):
    help = "Load a fictional demo clinic with one login per role (for trying the app)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when DEBUG is off (never on a clinic's real database).",
        )
        parser.add_argument(
            "--address",
            default=f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}/",
            help="The address the server answers on, printed for signing in "
            "(`make run` passes the one it serves).",
        )

    def handle(self, *args: Any, allow_production: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to load demo logins with DEBUG off.")
        clinic = ClinicSettings.load()
        if clinic.name == ClinicSettings._meta.get_field("name").default:
            clinic.name = "Willow Lane Acupuncture (demo)"
            clinic.address = "12 Willow Lane\nExampleton EX1 2AB"
            clinic.phone = "01632 960000"
            clinic.email = "hello@willowlane.example"
            clinic.print_footer = "Willow Lane Acupuncture is a fictional clinic for demonstration."
            clinic.save()

        users = {}
        for username, password, first, last, role, staff in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": staff},
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            users[role] = user

        for first, last, born, sex, phone in DEMO_PATIENTS:
            patient, created = Patient.objects.get_or_create(
                first_name=first,
                last_name=last,
                date_of_birth=born,
                defaults={"sex": sex, "phone": phone, "email": f"{fold(first)}@example.com"},
            )
            if created and last in DEMO_CARE:
                episode = Episode.objects.create(
                    patient=patient,
                    practitioner=users[PRACTITIONER],
                    chief_complaint="Pain from the buttock down the back of the leg",
                )
                DEMO_CARE[last](episode, users[PRACTITIONER])

        address = options["address"]
        self.stdout.write(self.style.SUCCESS(f"Demo clinic loaded. Sign in at {address}"))
        for username, password, *_rest, role, _staff in DEMO_USERS:
            self.stdout.write(f"  {role:<13} {username} / {password}")
