"""Reading and writing one value deep in the case format's JSON (intake/core/paths.py)."""

from typing import Any

from intake.core.paths import MISSING, get_path, set_path


def test_a_value_is_read_at_its_path_and_an_absent_one_is_missing() -> None:
    data = {"history": {"red_flags": {"saddle_anaesthesia": False}}}
    assert get_path(data, ("history", "red_flags", "saddle_anaesthesia")) is False
    assert get_path(data, ("history", "red_flags", "fever")) is MISSING
    assert get_path(data, ("history", "red_flags", "saddle_anaesthesia", "x")) is MISSING


def test_setting_a_value_makes_the_parents_it_needs() -> None:
    data: dict[str, Any] = {}
    set_path(data, ("findings", "slr", "left"), {"result": "negative"})
    assert data == {"findings": {"slr": {"left": {"result": "negative"}}}}


def test_setting_missing_removes_the_value_and_every_parent_left_empty() -> None:
    data: dict[str, Any] = {"slr": {"left": {"angle_deg": 40}}, "slump": {}}
    set_path(data, ("slr", "left"), MISSING)
    assert data == {"slump": {}}  # the dict itself and untouched keys stay


def test_setting_missing_where_there_is_nothing_changes_nothing() -> None:
    data: dict[str, Any] = {"history": {"side": "left"}}
    set_path(data, ("history", "onset", "x"), MISSING)
    assert data == {"history": {"side": "left"}}
