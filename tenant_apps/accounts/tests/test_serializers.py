"""Output serializers that build their fields once per class (OutputModelSerializer) still give every instance
fields of its own, the same ones ModelSerializer would build."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.accounts.models import User
from tenant_apps.accounts.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenSerializer,
    InvitationSerializer,
    MeSerializer,
    UserSerializer,
)


def test_each_instance_gets_fields_of_its_own():
    first, second = UserSerializer(), UserSerializer()

    first.fields.pop("email")

    assert "email" not in first.fields
    assert list(second.fields) == ["id", "email", "full_name", "role", "is_active", "date_joined", "last_login"]
    assert second.fields["id"] is not UserSerializer().fields["id"]
    assert second.fields["email"].parent is second


def test_fields_are_what_model_serializer_builds():
    for cls in (UserSerializer, MeSerializer, InvitationSerializer, ApiTokenSerializer, ApiTokenCreatedSerializer):

        class Plain(serializers.ModelSerializer):
            Meta = cls.Meta

        for name, declared in cls._declared_fields.items():
            Plain._declared_fields[name] = declared
        built, cached = Plain().fields, cls().fields

        assert list(cached) == list(built)
        assert [type(field) for field in cached.values()] == [type(field) for field in built.values()]
        assert [field.read_only for field in cached.values()] == [True] * len(built)


def test_a_subclass_keeps_its_own_fields():
    assert "token" in ApiTokenCreatedSerializer().fields
    assert "token" not in ApiTokenSerializer().fields


def test_representation_is_unchanged():
    user = User(pk=7, email="ada@example.test", full_name="Ada", role="admin", is_active=True)

    data = UserSerializer(user).data

    assert (data["id"], data["email"], data["full_name"], data["role"], data["is_active"]) == (
        7,
        "ada@example.test",
        "Ada",
        "admin",
        True,
    )
