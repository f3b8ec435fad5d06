"""Twelve date-of-birth guesses sent at once: the link locks after five, and the right
date is never accepted after the fifth wrong one."""

import datetime
from functools import partial

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from intake.models import Invitation
from tests.intake.questionnaire_builders import BORN, birth_date, make_invitation, second_tab
from tests.races.conftest import at_once

pytestmark = pytest.mark.usefixtures("postgres_only")

TRIALS = 10
WRONG = birth_date(BORN + datetime.timedelta(days=1))


def test_guesses_sent_at_once_never_get_past_the_lock():
    from django.test import Client

    for trial in range(TRIALS):
        invitation, token = make_invitation()
        browser = Client()
        browser.get(reverse("questionnaire_link", args=[token]))
        url = reverse("questionnaire_check")
        # Eleven wrong guesses and the right one, sent in a different place each trial.
        guesses = [WRONG] * 12
        guesses[trial % 12] = birth_date(BORN)
        at_once(*(partial(second_tab(browser).post, url, g) for g in guesses))
        # The audit trail has each guess in the order it was compared (its chain's order).
        outcomes = list(
            AuditEvent.objects.filter(object_id=str(invitation.pk), object_type="invitation")
            .exclude(detail="link opened")
            .order_by("pk")
            .values_list("detail", flat=True)
        )
        assert len(outcomes) == 12, outcomes
        wrong_in_a_row = 0  # the count a right date resets
        for outcome in outcomes:
            if outcome == "wrong date of birth":
                wrong_in_a_row += 1
                assert wrong_in_a_row <= Invitation.LOCK_AFTER, f"trial {trial}: {outcomes}"
            elif outcome == "date of birth confirmed":
                assert wrong_in_a_row < Invitation.LOCK_AFTER, f"trial {trial}: {outcomes}"
                wrong_in_a_row = 0
            else:
                assert outcome == "date of birth, link locked", outcomes
                assert wrong_in_a_row == Invitation.LOCK_AFTER, f"trial {trial}: {outcomes}"
