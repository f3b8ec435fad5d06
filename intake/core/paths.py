"""Read and write one value deep inside the nested JSON of the case format. Pure.

A path is a tuple of keys, such as `("history", "red_flags", "saddle_anaesthesia")`. The
questionnaire and the exam form both map their fields to such paths; `MISSING` says
"no value here", which is never the same as a stored `False` or `0`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MISSING = object()


def get_path(data: Mapping[str, Any], path: Iterable[str]) -> Any:
    """The value at `path`, or `MISSING` when any key on the way is absent."""
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return MISSING
        data = data[key]
    return data


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set a nested value; `MISSING` removes it (and any parent left empty)."""
    *parents, last = path
    if value is MISSING:
        chain = [data]
        for key in parents:
            child = chain[-1].get(key)
            if not isinstance(child, dict):
                return
            chain.append(child)
        chain[-1].pop(last, None)
        for key, parent in zip(reversed(parents), reversed(chain[:-1]), strict=True):
            if parent[key] == {}:
                del parent[key]
        return
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
