"""`slot_init` builds a frozen dataclass faster and changes nothing else about it; a
`result` is frozen to the type checker and a plain slotted dataclass at run time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest
from mypy import api as mypy

from intake.core.frozen import result, slot_init
from intake.core.redflags import Flag, FlagEvidence


@dataclass(frozen=True, slots=True)
class Plain:
    code: str
    points: int = 0
    why: tuple[str, ...] = ()


@slot_init
@dataclass(frozen=True, slots=True)
class Quick:
    code: str
    points: int = 0
    why: tuple[str, ...] = ()


@slot_init
@dataclass(frozen=True, slots=True)
class QuickChild(Quick):
    extra: str | None = None


def test_it_takes_the_same_arguments_and_defaults_as_the_dataclass() -> None:
    pairs = [
        (Plain("a"), Quick("a")),
        (Plain("a", 2), Quick("a", 2)),
        (Plain(code="a", why=("x",)), Quick(code="a", why=("x",))),
    ]
    for plain, quick in pairs:
        assert (quick.code, quick.points, quick.why) == (plain.code, plain.points, plain.why)
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick("a", nope=1)  # type: ignore[call-arg]


def test_it_stays_frozen_equal_hashable_and_printable() -> None:
    quick = Quick("a", 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.points = 3  # type: ignore[misc]
    assert quick == Quick("a", 2) != Quick("a", 3)
    assert hash(quick) == hash(Quick("a", 2))
    assert repr(quick) == "Quick(code='a', points=2, why=())"
    assert dataclasses.replace(quick, points=5) == Quick("a", 5)
    assert [f.name for f in dataclasses.fields(quick)] == ["code", "points", "why"]


def test_a_subclass_sets_the_fields_it_inherits_too() -> None:
    child = QuickChild("a", 1, ("x",), "more")
    assert (child.code, child.points, child.why, child.extra) == ("a", 1, ("x",), "more")
    assert QuickChild("a").extra is None


def test_the_core_objects_built_with_it_compare_as_before() -> None:
    evidence = (FlagEvidence("exam.strength", "Weak", "a source"),)
    assert Flag("progressive_deficit", evidence, "same_day") == Flag(
        code="progressive_deficit", evidence=evidence, urgency="same_day"
    )
    assert Flag("diabetes", ()).urgency is None


def test_it_refuses_what_it_cannot_copy() -> None:
    with pytest.raises(TypeError, match="frozen dataclass"):

        @slot_init
        @dataclass(slots=True)
        class NotFrozen:
            code: str

    with pytest.raises(TypeError, match="plain fields"):

        @slot_init
        @dataclass(frozen=True, slots=True)
        class Factory:
            codes: tuple[str, ...] = field(default_factory=tuple)

    with pytest.raises(TypeError, match="__post_init__"):

        @slot_init
        @dataclass(frozen=True, slots=True)
        class PostInit:
            code: str

            def __post_init__(self) -> None:
                pass


@result
class Scored:
    code: str
    points: int = 0


def test_a_result_takes_its_fields_as_a_dataclass_does_and_keeps_no_dict() -> None:
    assert Scored("a") == Scored("a", 0) != Scored("a", 1)
    assert Scored(code="a", points=2).points == 2
    assert [f.name for f in dataclasses.fields(Scored)] == ["code", "points"]
    assert not hasattr(Scored("a"), "__dict__")  # slotted: no field can be added by mistake
    with pytest.raises(AttributeError):
        Scored("a").extra = 1  # type: ignore[attr-defined]


def test_the_type_checker_refuses_an_assignment_to_a_result_of_the_core() -> None:
    program = (
        "from intake.core.classify import CauseScore\n"
        "from plans.core.assessment import Assessment\n"
        "def change(c: CauseScore, a: Assessment) -> None:\n"
        "    c.points = 4\n"
        "    a.plan = None\n"
    )
    out, _, status = mypy.run(["--config-file=", "--follow-imports=silent", "-c", program])
    assert status == 1
    assert '"points" defined in "CauseScore" is read-only' in out
    assert '"plan" defined in "Assessment" is read-only' in out
