"""Two ways to make the core's dataclasses cheap to build without letting them change.

`@result`: what the core works out for every case (scores, flags, causes, the plan, the
assessment itself) is frozen for the type checker and a plain slotted dataclass at run time.
mypy refuses any assignment to one of its fields, as it does for `frozen=True`; at run time
each field is stored by the interpreter's own slot store. A frozen class stores each field
through a descriptor call instead, about a thousand machine instructions a field on this
project's reference machine: some ninety fields a case, an eighth of an assessment. Being
mutable at run time, a result is not hashable (nothing hashes one).

`@slot_init`: a frozen, slotted dataclass that is built faster, and behaves the same.

`@dataclass(frozen=True, slots=True)` makes its `__init__` store each field through
`object.__setattr__` (its own `__setattr__` refuses, which is what frozen means). That
generic call, once per field, was about a tenth of an assessment's time: the core builds
some twenty such objects per case. `slot_init`, put above the `@dataclass` line, gives the
class an `__init__` with the same parameters and defaults that stores each field through
its slot's descriptor instead. Nothing else changes: equality, hashing, `repr`,
`dataclasses.fields()` and `replace()`, and `FrozenInstanceError` on assignment are the
dataclass's own. Classes with a `default_factory` or a `__post_init__` are refused (the
generated `__init__` would have to copy their logic).

Pure: no Django import.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar, cast, dataclass_transform

C = TypeVar("C", bound=type)


@dataclass_transform(frozen_default=True)
def result(cls: C) -> C:
    """A result of the core: frozen to mypy, a plain slotted dataclass at run time."""
    return cast(C, dataclasses.dataclass(slots=True)(cls))


def slot_init(cls: C) -> C:
    """Replace the frozen dataclass `cls`'s `__init__` with one that sets its slots directly."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__")
    namespace: dict[str, Any] = {}
    signature, body = [], []
    for field in dataclasses.fields(cls):
        if field.default_factory is not dataclasses.MISSING or not field.init:
            raise TypeError(f"{cls.__name__}.{field.name}: only plain fields and defaults")
        # The slot's member descriptor; a base class's for an inherited field.
        namespace[f"_set_{field.name}"] = getattr(cls, field.name).__set__
        if field.default is dataclasses.MISSING:
            signature.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            signature.append(f"{field.name}=_default_{field.name}")
        body.append(f"    _set_{field.name}(self, {field.name})")
    source = f"def __init__(self, {', '.join(signature)}):\n" + "\n".join(body or ["    pass"])
    exec(source, namespace)  # noqa: S102 (the source is built above from field names only)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    setattr(cls, "__init__", init)  # noqa: B010 (mypy refuses assigning to a method)
    return cls
