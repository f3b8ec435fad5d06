"""Reads whose SQL is built once per process, for the pages opened all day.

The ORM builds a query's SQL afresh on every call. For the episode page's main read (the
episode with seven related rows and three subqueries) that takes about ten times as long as
the database takes to answer it. A prepared read builds its queryset once, with a marker
value where its one parameter goes, keeps the SQL the ORM compiled and the way the ORM maps
its columns onto objects, and afterwards only runs that SQL with the new value and builds
the same objects the queryset would have built (`select_related` rows and annotations
included).

    EPISODE = Prepared(lambda pk: Episode.objects.select_related("patient").filter(pk=pk))
    episode = EPISODE.get_or_404(pk)
    TO_REVIEW = Prepared(lambda: Questionnaire.objects.awaiting_review())  # no argument
    TO_REVIEW.all()

The builder must depend on nothing but its argument: whatever else it reads (the clock,
the request) would be kept in the SQL for the life of the process. The SQL is kept per
database connection, as the ORM's compiler is. Its one argument must be compared as it is
(a key, a number, a string: not a date, which the ORM converts for some databases). Not
supported, and refused when the read is first built: `prefetch_related`, `values()`, a
queryset that uses its argument more or less than once.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404

M = TypeVar("M", bound=models.Model)

#: Stands for the argument while the SQL is built: a key no row has, found once among the
#: parameters the ORM compiled.
MARKER = -7_340_912_655


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    at: int | None  # where the argument goes among the parameters
    converters: dict[int, Any]
    start: int  # the main model's columns: row[start:end]
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]


class Prepared(Generic[M]):
    """A read of one model by one value, compiled on first use (see the module)."""

    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self.build = build
        self.arguments = len(inspect.signature(build).parameters)  # one, or none
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def all(self, *value: Any) -> list[M]:
        """The rows the queryset built with `value` would give, in its order."""
        model = self._model()
        alias = router.db_for_read(model)
        connection = connections[alias]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = list(compiled.params)
        if compiled.at is not None:
            (params[compiled.at],) = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Any = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        found = []
        for row in rows:
            obj = model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, value: Any) -> M | None:
        """The first row, or None (the queryset's own order and limit apply)."""
        found = self.all(value)
        return found[0] if found else None

    def get_or_404(self, value: Any) -> M:
        """The one row, as `get_object_or_404` gives it."""
        found = self.all(value)
        if len(found) != 1:
            raise Http404(f"No {self._model()._meta.object_name} matches the given query.")
        return found[0]

    def _model(self) -> type[M]:
        return self._queryset().model

    def _queryset(self) -> models.QuerySet[M]:
        queryset: models.QuerySet[M] | None = getattr(self, "_built", None)
        if queryset is None:
            queryset = self._built = self.build(*[MARKER][: self.arguments])
        return queryset

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        queryset = self._queryset()
        prefetched = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if prefetched or queryset._iterable_class is not ModelIterable:
            raise ImproperlyConfigured("A prepared read builds model rows only.")
        compiler = queryset.query.clone().get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        at = [i for i, param in enumerate(params) if type(param) is int and param == MARKER]
        if len(at) != self.arguments:
            raise ImproperlyConfigured(
                f"A prepared read uses its argument once; this one uses it {len(at)} times."
            )
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        klass_info = compiler.klass_info
        assert klass_info is not None
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        compiled = _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            at=at[0] if at else None,
            converters=compiler.get_converters(fields),
            start=start,
            end=end,
            init_list=[selected[0].target.attname for selected in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, connection.alias),
            annotations=dict(compiler.annotation_col_map or {}),
        )
        self._compiled[connection] = compiled
        return compiled
