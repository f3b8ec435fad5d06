"""Choices fixed when a module loads, which Django takes as they are.

Django normalizes a field's list of choices each time the field is made (checking every
value and label for nested groups, enums and lazy text) and deep-copies the list with
every form. The exam makes its hundred fields anew for each request, most of them
selects, and that was a tenth of the page's time. `FixedChoices` holds the pairs once, as
an immutable tuple; Django accepts any `BaseChoiceIterator` without normalizing it, and a
form copying it gets the same object.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class FixedChoices(BaseChoiceIterator):
    """(value, label) pairs without groups, never changed once made."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        self.choices = tuple((value, label) for value, label in choices)
        #: Each option as Django's select template writes it: (its value as text, the
        #: option, the option selected), escaped once here rather than on every page.
        self.options = tuple(
            (_text(value), f'\n  <option value="{v}">{t}</option>\n',
             f'\n  <option value="{v}" selected>{t}</option>\n')
            for value, label in self.choices
            for v, t in [(escape(_text(value)), escape(_text(label)))]
        )  # fmt: skip

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __copy__(self) -> FixedChoices:
        return self  # immutable: a form's copy may share it

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoices:
        return self
