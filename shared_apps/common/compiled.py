"""Querysets compiled once per process and run again with new values: the hot reads skip Django's SQL compiler.

Compiling a queryset (names_to_path, setup_joins, as_sql, pre_sql_setup, get_order_by) cost more CPU than running
it on the hot API reads. A `CompiledQuery` builds its queryset once with marker values, compiles it, and
remembers where each marker landed among the SQL parameters; later calls fill the real values in and build the
instances the way Django's ModelIterable does (Model.from_db, made directly where that is the same thing:
shared_apps/common/instances.py; the compiler's converters; select_related populators). The SQL is the ORM's
own, byte for byte.

What is remembered holds no value of any request and no schema name: the SQL is unqualified and runs under the
connection's search_path, so one compiled shape serves every company. Values Django writes into the SQL itself
(LIMIT/OFFSET from a slice, the ordering, which lookups a filter uses) are the *shape* and part of the key; only
values handed to the database as parameters are filled in. Each shape is checked once against a second compile
with other values (including LIKE wildcards), so a builder whose SQL depends on a value in any other way fails
loudly at its first use instead of answering wrongly.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query import ModelIterable, get_related_populators

from shared_apps.common.instances import instance_from_db

M = TypeVar("M", bound=Model)

# What narrows a compiled query, in order: ("order_by", fields, None), ("filter", ((lookup, value name), ...),
# None) or ("slice", start, stop). Together they are the shape's key, with the names and types of the values.
Operation = tuple[str, Any, Any]

# One shape per distinct ordering, lookup set and LIMIT/OFFSET; pagination makes at most a few hundred.
MAX_SHAPES = 256
# Random per process, so no constant of a query can equal a marker by accident.
_MARKER_TOKEN = secrets.token_hex(6)
# Integer markers stay inside a 32-bit column's range: Django compiles an out-of-range value to "no rows".
_INT_MARKER_BASE = 1_900_000_000
_INT_PROBE_BASE = 1_800_000_000
_DATETIME_MARKER_BASE = datetime(1901, 2, 3, tzinfo=UTC)
_DATETIME_PROBE_BASE = datetime(1902, 3, 4, tzinfo=UTC)


def _marker(value: Any, index: int, *, probe: bool) -> Any:
    """A stand-in for `value` of the same type that nothing else in a query can equal."""
    if isinstance(value, Model):
        # _meta.model, not type(): request.user is a lazy object standing in for the User.
        return value._meta.model(pk=_marker(value.pk, index, probe=probe))
    if isinstance(value, bool) or value is None:
        # Django writes these into the SQL itself (IS NULL, a bare column for True): they are shape, not values.
        raise ImproperlyConfigured("A compiled query's values cannot be booleans or None; make them part of the shape.")
    if isinstance(value, int):
        return (_INT_PROBE_BASE if probe else _INT_MARKER_BASE) + index
    if isinstance(value, str):
        # The probe carries LIKE's wildcards and escape, so a value that gets escaped is seen to be escaped.
        return f"p{index}%_\\{_MARKER_TOKEN}" if probe else f"m{index}q{_MARKER_TOKEN}"
    if isinstance(value, datetime):
        return (_DATETIME_PROBE_BASE if probe else _DATETIME_MARKER_BASE) + timedelta(seconds=index)
    raise ImproperlyConfigured(f"A compiled query cannot take a value of type {type(value).__name__}.")


def _plain(value: Any) -> Any:
    """What the ORM hands to the database for `value` (a model instance is its primary key)."""
    return value.pk if isinstance(value, Model) else value


def _kind(value: Any) -> type:
    """The type a value is compiled for (a model instance's model, even behind a lazy object)."""
    return value._meta.model if isinstance(value, Model) else type(value)


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class _Slot:
    """How one SQL parameter is made: a constant of the shape, or a value, possibly inside a text around it."""

    constant: Any = None
    name: str | None = None
    prefix: str = ""
    suffix: str = ""
    transform: Callable[[Any], Any] = _identity

    def render(self, values: dict[str, Any]) -> Any:
        if self.name is None:
            return self.constant
        value = self.transform(_plain(values[self.name]))
        if self.prefix or self.suffix:
            return f"{self.prefix}{value}{self.suffix}"
        return value


@dataclass(frozen=True)
class _Shape:
    """One compiled queryset: its SQL, how to make its parameters, and how to turn its rows into instances."""

    sql: str
    slots: tuple[_Slot, ...]
    model: type[Model]
    init_list: tuple[str, ...]
    model_start: int
    model_end: int
    column_count: int
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    related_populators: tuple[Any, ...]
    annotation_columns: tuple[tuple[str, int], ...]


class CompiledQuery(Generic[M]):
    """A queryset built by `build(**values)` and the operations of a `Shaped` chain, compiled once per shape.

    `build` must depend on nothing but its values (no clock, no current tenant, no request): the first compile of
    each shape is checked against a second one with other values, and a difference is refused. Thread-safe: a
    shape is never changed once made, and the bounded table of shapes changes only under a lock (two threads
    compiling the same new shape at once both get the same result; one of them is kept).
    """

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]], *, max_shapes: int = MAX_SHAPES) -> None:
        self.model = model
        self.build = build
        self.max_shapes = max_shapes
        self._shapes: dict[Hashable, _Shape] = {}
        self._lock = threading.Lock()

    def query(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Shaped[M]:
        """The queryset for these values, to narrow with order_by/filter and run by slicing or iterating."""
        return Shaped(self, using=using, operations=(), values=values)

    def prepare(self, lookup: str, value: Any) -> Any:
        """`value` as the ORM prepares it for `lookup` on a field of the model (DRF's cursor gives text)."""
        field_name = lookup.split(LOOKUP_SEP, 1)[0]
        options = self.model._meta
        try:
            field = options.pk if field_name == "pk" else options.get_field(field_name)
        except FieldDoesNotExist:
            return value  # an annotation or a path the ORM resolves while compiling
        if field is None or isinstance(value, Model) or not hasattr(field, "get_prep_value") or field.is_relation:
            return value
        return field.get_prep_value(value)

    def fetch(self, operations: tuple[Operation, ...], values: dict[str, Any], *, using: str) -> list[M]:
        names = tuple(sorted(values))
        key = (using, operations, names, tuple(_kind(values[name]) for name in names))
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._compile(key, operations, values, using=using)
        return _run(shape, values, using=using)

    def _queryset(self, operations: tuple[Operation, ...], values: dict[str, Any], using: str) -> QuerySet[M]:
        queryset = self.build(**{name: value for name, value in values.items() if not name.startswith("_")})
        for kind, first, second in operations:
            if kind == "order_by":
                queryset = queryset.order_by(*first)
            elif kind == "filter":
                queryset = queryset.filter(**{lookup: values[name] for lookup, name in first})
            else:
                queryset = queryset[first:second]
        return queryset.using(using)

    def _compile(
        self, key: Hashable, operations: tuple[Operation, ...], values: dict[str, Any], *, using: str
    ) -> _Shape:
        names = sorted(values)
        markers = {name: _marker(values[name], index, probe=False) for index, name in enumerate(names)}
        probes = {name: _marker(values[name], index, probe=True) for index, name in enumerate(names)}
        queryset = self._queryset(operations, markers, using)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ImproperlyConfigured("A compiled query yields model instances and prefetches nothing.")
        if queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ImproperlyConfigured("A compiled query cannot start from a related manager.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        connection = connections[using]
        slots = tuple(_slot(param, markers, connection.ops.prep_for_like_query) for param in params)
        probe_sql, probe_params = self._queryset(operations, probes, using).query.get_compiler(using=using).as_sql()
        if probe_sql != sql or [slot.render(probes) for slot in slots] != [_plain(p) for p in probe_params]:
            raise ImproperlyConfigured(
                f"{self.build!r} builds SQL that depends on its values beyond their parameters; it cannot be compiled."
            )
        select, klass_info = compiler.select, compiler.klass_info
        fields = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ImproperlyConfigured("A compiled query cannot select composite fields.")
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        shape = _Shape(
            sql=sql,
            slots=slots,
            model=klass_info["model"],
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            model_start=start,
            model_end=end,
            column_count=compiler.col_count,
            converters=tuple(
                (position, tuple(converters), expression)
                for position, (converters, expression) in compiler.get_converters(fields).items()
            ),
            # The stubs describe Django 6's signature; 5.2 takes these three.
            related_populators=tuple(get_related_populators(klass_info, select, using)),  # type: ignore[call-arg]
            annotation_columns=tuple(compiler.annotation_col_map.items()),
        )
        with self._lock:
            if len(self._shapes) >= self.max_shapes:
                # Oldest first: dictionaries keep insertion order.
                del self._shapes[next(iter(self._shapes))]
            self._shapes[key] = shape
        return shape


def _slot(param: Any, markers: dict[str, Any], escape_like: Callable[[str], str]) -> _Slot:
    for name, marker in markers.items():
        plain = _plain(marker)
        if type(param) is type(plain) and param == plain:
            return _Slot(name=name)
        if isinstance(param, str) and isinstance(plain, str) and plain in param:
            prefix, _, suffix = param.partition(plain)
            # Whether the value was escaped for LIKE shows in the probe compile; both are checked there.
            transform = escape_like if ("%" in prefix or "%" in suffix) else _identity
            return _Slot(name=name, prefix=prefix, suffix=suffix, transform=transform)
    return _Slot(constant=param)


def _run(shape: _Shape, values: dict[str, Any], *, using: str) -> list[Any]:
    connection = connections[using]
    params = [slot.render(values) for slot in shape.slots]
    with connection.cursor() as cursor:
        cursor.execute(shape.sql, params)
        rows = cursor.fetchall()
    instances = []
    model, init_list = shape.model, list(shape.init_list)
    start, end = shape.model_start, shape.model_end
    for fetched in rows:
        row = list(fetched[: shape.column_count])
        for position, converters, expression in shape.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        instance = instance_from_db(model, using, init_list, row[start:end])
        for populator in shape.related_populators:
            populator.populate(row, instance)
        for attribute, position in shape.annotation_columns:
            setattr(instance, attribute, row[position])
        instances.append(instance)
    return instances


class Shaped(Generic[M]):
    """A compiled query narrowed like a queryset (order_by, filter by keyword, slice), for code such as DRF's
    CursorPagination that narrows what it is given: the lookups and slice bounds become the shape, the filter
    values become parameters. Converted as the ORM converts them (`get_prep_value`), so a bad value fails the same.
    """

    def __init__(
        self,
        compiled: CompiledQuery[M],
        *,
        using: str,
        operations: tuple[Operation, ...],
        values: dict[str, Any],
    ) -> None:
        self.compiled = compiled
        self.using = using
        self.operations = operations
        self.values = values

    @property
    def model(self) -> type[M]:
        """The model, as a queryset names it (CheckedCursorPagination checks a cursor against its fields)."""
        return self.compiled.model

    def _with(self, operation: Operation, values: dict[str, Any] | None = None) -> Shaped[M]:
        return Shaped(
            self.compiled,
            using=self.using,
            operations=(*self.operations, operation),
            values={**self.values, **(values or {})},
        )

    def order_by(self, *fields: str) -> Shaped[M]:
        return self._with(("order_by", tuple(fields), None))

    def filter(self, **lookups: Any) -> Shaped[M]:
        named: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        for lookup, value in sorted(lookups.items()):
            name = f"_{len(self.operations)}_{len(named)}"
            named.append((lookup, name))
            values[name] = self.compiled.prepare(lookup, value)
        return self._with(("filter", tuple(named), None), values)

    def __getitem__(self, bounds: slice) -> list[M]:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("A compiled query is sliced with [start:stop] only.")
        return self.compiled.fetch(
            (*self.operations, ("slice", bounds.start, bounds.stop)), self.values, using=self.using
        )

    def __iter__(self) -> Iterator[M]:
        return iter(self.compiled.fetch(self.operations, self.values, using=self.using))
