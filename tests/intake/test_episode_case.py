import datetime

import pytest

from intake.core.case import CaseError
from intake.models import Exam, Questionnaire, case_document, episode_case
from tests.builders import make_episode, make_patient

pytestmark = pytest.mark.django_db


def test_an_episode_with_no_answers_is_a_case_missing_its_duration():
    episode = make_episode()
    with pytest.raises(CaseError) as raised:
        episode_case(episode)
    assert raised.value.path == "$.history"


def test_the_patients_age_is_counted_on_the_day_the_episode_opened():
    patient = make_patient(date_of_birth=datetime.date(1980, 6, 15), sex="male")
    episode = make_episode(patient=patient, opened=datetime.date(2026, 6, 14))
    assert case_document(episode)["patient"] == {"age": 45, "sex": "male"}


def test_history_taken_in_the_room_overrides_the_questionnaire_answer():
    episode = make_episode()
    Questionnaire.objects.create(
        episode=episode,
        answers={
            "history": {"duration_weeks": 3, "side": "left"},
            "questionnaires": {"rmdq": [1, 2]},
        },
    )
    Exam.objects.create(
        episode=episode,
        history={"side": "right"},
        findings={"slr": {"right": {"result": "positive", "angle_deg": 40}}},
    )
    case = episode_case(episode)
    assert case.history.duration_weeks == 3
    assert case.history.side == "right"
    assert case.exam.test_sides("slr", "positive") == ("right",)
    assert case_document(episode)["questionnaires"] == {"rmdq": [1, 2]}
