"""`@slot_init`: a frozen, slotted dataclass that is built faster, and behaves the same.

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
from typing import Any, TypeVar

C = TypeVar("C", bound=type)


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
