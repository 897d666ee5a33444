"""Output serializers that build their fields once per class (OutputModelSerializer) still give every instance
fields of its own, the same ones ModelSerializer would build."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework import serializers

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import ApiToken, Invitation, Role, User
from tenant_apps.accounts.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenSerializer,
    InvitationSerializer,
    MeSerializer,
    OutputModelSerializer,
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


def drf_representation(serializer: serializers.Serializer, instance: object) -> dict:
    """What DRF's own Serializer.to_representation gives for `instance` (the general way, field by field)."""
    return dict(serializers.Serializer.to_representation(serializer, instance))


def test_the_short_way_presents_what_drf_does(acme: TestTenant):
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        owner.last_login = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)
        never_signed_in = User(pk=99, email="new@acme.test", full_name="", role=Role.MEMBER, is_active=False)
        now = timezone.now()
        invited = Invitation.objects.create(
            email="inv@acme.test", role=Role.ADMIN, invited_by=owner, nonce_hash="x", expires_at=now + timedelta(days=1)
        )
        orphan = Invitation(pk=5, email="o@acme.test", role=Role.MEMBER, invited_by=None, nonce_hash="y",
                            created_at=now, expires_at=now - timedelta(days=1), revoked_at=None)  # fmt: skip
        token = ApiToken.objects.create(user=owner, name="ci", prefix="atr_x", key_hash="h" * 64)
        token.last_used_at = now
        # What api_token_create hands back, once.
        token.token = "atr_x.secret"  # type: ignore[attr-defined]
        cases = [
            (UserSerializer, owner),
            (UserSerializer, never_signed_in),
            (MeSerializer, owner),
            (InvitationSerializer, invited),
            (InvitationSerializer, orphan),
            (ApiTokenSerializer, token),
            (ApiTokenCreatedSerializer, token),
        ]
        for cls, instance in cases:
            short, drf = cls(instance).data, drf_representation(cls(), instance)

            assert short == drf, cls.__name__
            assert list(short) == list(drf), cls.__name__
            assert cls._plan, f"{cls.__name__} should take the short way"

        # Datetimes as DRF writes them (ISO 8601, UTC as Z); the nested inviter through its own plan.
        assert UserSerializer(owner).data["last_login"] == "2026-03-01T12:30:45.123456Z"
        assert InvitationSerializer(invited).data["invited_by"] == {
            "id": owner.pk,
            "email": owner.email,
            "full_name": owner.full_name,
        }
        assert InvitationSerializer(orphan).data["invited_by"] is None
        assert InvitationSerializer(orphan).data["status"] == "expired"

        # A list goes through the child's short way too.
        assert UserSerializer([owner, never_signed_in], many=True).data == [
            drf_representation(UserSerializer(), owner),
            drf_representation(UserSerializer(), never_signed_in),
        ]


def test_a_mapping_goes_drfs_way():
    data = UserSerializer({"id": 3, "email": "m@example.test", "full_name": "M", "role": "member",
                           "is_active": True, "date_joined": None, "last_login": None}).data  # fmt: skip

    assert data["id"] == 3
    assert data["email"] == "m@example.test"
    assert data["date_joined"] is None


def test_a_class_with_a_method_or_a_relation_field_goes_drfs_way():
    class WithMethod(OutputModelSerializer):
        class Meta:
            model = User
            fields = ["id", "get_username"]
            read_only_fields = fields

    class WithKey(OutputModelSerializer):
        class Meta:
            model = Invitation
            fields = ["id", "invited_by"]
            read_only_fields = fields

    user = User(pk=4, email="k@example.test", full_name="Kay")
    invitation = Invitation(pk=8, email="k@example.test", invited_by_id=4)

    assert WithMethod(user).data == {"id": 4, "get_username": "k@example.test"}
    assert WithKey(invitation).data == {"id": 8, "invited_by": 4}
    assert WithMethod._plan == ()
    assert WithKey._plan == ()


def test_datetimes_are_written_as_drf_writes_them_in_any_active_time_zone():
    moments = [
        datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC),
        datetime(2026, 7, 1, 0, 0, tzinfo=UTC),  # no microseconds
        datetime(2026, 7, 1, 9, 15, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 7, 1, 9, 15),  # noqa: DTZ001 - naive: DRF makes it aware in the current zone
    ]
    for zone in ("UTC", "Europe/Berlin", "Asia/Kolkata"):
        with timezone.override(ZoneInfo(zone)):
            for moment in moments:
                user = User(pk=1, email="t@example.test", full_name="T", role=Role.MEMBER, is_active=True,
                            date_joined=moment, last_login=moment)  # fmt: skip

                assert UserSerializer(user).data == drf_representation(UserSerializer(), user), (zone, moment)

    with timezone.override(ZoneInfo("Europe/Berlin")):
        user = User(pk=1, email="t@example.test", date_joined=moments[0], last_login=None)
        assert UserSerializer(user).data["date_joined"] == "2026-03-01T13:30:45.123456+01:00"
