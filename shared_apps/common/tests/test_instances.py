"""instance_from_db gives exactly what Model.from_db gives, and is Model.from_db wherever it could differ."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.db.models.signals import post_init, pre_init
from django_tenants.utils import schema_context

from shared_apps.common import instances
from shared_apps.common.instances import instance_from_db
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import ApiToken, Invitation, User
from tenant_apps.accounts.services import api_token_create, invitation_create


def attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def row_of(model: type[Model], pk: Any) -> tuple[Any, ...]:
    return tuple(model._default_manager.filter(pk=pk).values_list(*attnames(model)).get())


def described(instance: Model) -> tuple[list[tuple[str, Any]], bool, str | None, set[str]]:
    """Everything an instance holds, in order, with its state."""
    loaded = [(name, value) for name, value in vars(instance).items() if name != "_state"]
    return loaded, instance._state.adding, instance._state.db, instance.get_deferred_fields()


@pytest.fixture
def rows(acme: TestTenant) -> dict[type[Model], tuple[Any, ...]]:
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        token, _ = api_token_create(user=owner, name="instances")
        invitation = invitation_create(actor=owner, email="instances@acme.test")
        return {
            User: row_of(User, owner.pk),
            ApiToken: row_of(ApiToken, token.pk),
            Invitation: row_of(Invitation, invitation.pk),
        }


@pytest.mark.django_db
@pytest.mark.parametrize("model", [User, ApiToken, Invitation])
def test_the_hot_models_are_made_directly_and_alike(model: type[Model], rows: dict[type[Model], tuple[Any, ...]]):
    names = attnames(model)
    direct = instance_from_db(model, DEFAULT_DB_ALIAS, names, rows[model])
    django = model.from_db(DEFAULT_DB_ALIAS, names, rows[model])

    assert instances._directly_settable(model, tuple(names)) == tuple(names)
    assert type(direct) is model
    assert described(direct) == described(django)
    assert direct == django


@pytest.mark.django_db
def test_a_direct_instance_saves_as_an_update(acme: TestTenant, rows: dict[type[Model], tuple[Any, ...]]):
    with schema_context(acme.schema_name):
        token = instance_from_db(ApiToken, DEFAULT_DB_ALIAS, attnames(ApiToken), rows[ApiToken])
        token.name = "renamed"
        token.save(update_fields=["name"])

        assert token.user.email == acme.owner_email
        assert ApiToken.objects.get(pk=token.pk).name == "renamed"
        assert ApiToken.objects.filter(name="instances").count() == 0


@pytest.mark.django_db
def test_with_an_init_receiver_django_makes_it(rows: dict[type[Model], tuple[Any, ...]]):
    seen: list[tuple[str, type[Model]]] = []

    def before(sender: type[Model], **kwargs: Any) -> None:
        seen.append(("pre_init", sender))

    def after(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        seen.append(("post_init", sender))

    pre_init.connect(before, sender=User)
    post_init.connect(after, sender=User)
    try:
        user = instance_from_db(User, DEFAULT_DB_ALIAS, attnames(User), rows[User])
    finally:
        pre_init.disconnect(before, sender=User)
        post_init.disconnect(after, sender=User)

    assert seen == [("pre_init", User), ("post_init", User)]
    assert user.pk == rows[User][0]


@pytest.mark.django_db
def test_a_row_with_deferred_fields_is_djangos(rows: dict[type[Model], tuple[Any, ...]]):
    names = attnames(Invitation)
    some = [name for name in names if name not in ("nonce_hash", "accepted_user_id")]
    values = [value for name, value in zip(names, rows[Invitation], strict=True) if name in some]

    invitation = instance_from_db(Invitation, DEFAULT_DB_ALIAS, some, values)

    assert invitation.get_deferred_fields() == {"nonce_hash", "accepted_user_id"}
    assert described(invitation) == described(Invitation.from_db(DEFAULT_DB_ALIAS, some, values))


@pytest.mark.django_db
def test_a_field_with_a_descriptor_of_its_own_is_djangos(
    rows: dict[type[Model], tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
):
    class Lowered:
        """A data descriptor that changes what it stores, as a file field's does."""

        def __get__(self, instance: Any, owner: Any = None) -> Any:
            return self if instance is None else instance.__dict__["email"]

        def __set__(self, instance: Any, value: str) -> None:
            instance.__dict__["email"] = value.lower()

    monkeypatch.setattr(instances, "_direct", {})
    monkeypatch.setattr(Invitation, "email", Lowered())
    names = attnames(Invitation)
    values = list(rows[Invitation])
    values[names.index("email")] = "MIXED@Case.test"

    invitation = instance_from_db(Invitation, DEFAULT_DB_ALIAS, names, values)

    assert instances._directly_settable(Invitation, tuple(names)) is None
    assert invitation.email == "mixed@case.test"
