"""Routes of the accounts API, mounted under /api/ on every company host."""

from django.urls import path

from tenant_apps.accounts import api

urlpatterns = [
    path("auth/csrf", api.CsrfView.as_view(), name="auth-csrf"),
    path("auth/login", api.LoginView.as_view(), name="auth-login"),
    path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-everywhere", api.LogoutEverywhereView.as_view(), name="auth-logout-everywhere"),
    path("auth/me", api.MeView.as_view(), name="auth-me"),
    path("auth/password-reset", api.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password-reset/confirm", api.PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"),
    path("users", api.UserListView.as_view(), name="user-list"),
    path("users/<int:user_id>", api.UserDetailView.as_view(), name="user-detail"),
    path("invitations", api.InvitationListView.as_view(), name="invitation-list"),
    path("invitations/accept", api.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<int:invitation_id>", api.InvitationDetailView.as_view(), name="invitation-detail"),
    path("tokens", api.ApiTokenListView.as_view(), name="token-list"),
    path("tokens/<int:token_id>", api.ApiTokenDetailView.as_view(), name="token-detail"),
    path("settings", api.TenantSettingsView.as_view(), name="tenant-settings"),
    path("settings/logo", api.TenantLogoView.as_view(), name="tenant-logo"),
    path("settings/brand", api.TenantBrandView.as_view(), name="tenant-brand"),
]
