"""Model instances from database rows, without Model.__init__ where it would do nothing but set the attributes.

`Model.from_db(db, field_names, values)` calls `Model(*values)`, whose `__init__` sends `pre_init` and `post_init`
(a signal send each, receivers or not), makes the instance's `_state`, and sets each field's attribute in a loop
of generic checks. On the hot reads (a list page makes 10 to 50 instances) that is the largest part of turning a
row into an object. `instance_from_db` builds the same instance directly: the `_state` with `adding` False and
`db` set, then the attributes in the model's field order, as `__init__` leaves them. It does so only when nothing
could tell the difference:

- the row has every concrete field, in the model's order (no deferred field);
- the model keeps Django's own `__init__` and `from_db`;
- each field's class attribute is Django's plain column attribute (`DeferredAttribute`, or a foreign key's,
  whose setter on a new instance only stores the value), not a descriptor of its own (a file field's, say);
- no receiver listens to `pre_init` or `post_init` (checked on every call: a receiver may connect at any time).

Otherwise it is `model.from_db`, unchanged. tests: shared_apps/common/tests/test_instances.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=Model)

_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)
# (model, field names) -> the attribute names to set directly, or None where from_db must build the instance.
_direct: dict[tuple[type[Model], tuple[str, ...]], tuple[str, ...] | None] = {}


def _class_attribute(model: type[Model], name: str) -> Any:
    for klass in model.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def _directly_settable(model: type[Model], field_names: tuple[str, ...]) -> tuple[str, ...] | None:
    key = (model, field_names)
    try:
        return _direct[key]
    except KeyError:
        pass
    attnames = tuple(field.attname for field in model._meta.concrete_fields)
    direct = (
        field_names == attnames
        and model.__init__ is Model.__init__
        and getattr(model.from_db, "__func__", None) is Model.from_db.__func__  # type: ignore[attr-defined]
        and all(type(_class_attribute(model, name)) in _PLAIN_ATTRIBUTES for name in attnames)
    )
    _direct[key] = attnames if direct else None
    return _direct[key]


def instance_from_db(model: type[M], db: str, field_names: Sequence[str], values: Sequence[Any]) -> M:
    """What `model.from_db(db, field_names, values)` returns, made directly where that is the same thing."""
    attnames = _directly_settable(model, tuple(field_names))
    if attnames is None or len(values) != len(attnames) or pre_init.receivers or post_init.receivers:
        return model.from_db(db, list(field_names), list(values))
    instance = model.__new__(model)
    state = ModelState()
    state.adding = False
    state.db = db
    attributes = instance.__dict__
    attributes["_state"] = state
    attributes.update(zip(attnames, values, strict=True))
    return instance
