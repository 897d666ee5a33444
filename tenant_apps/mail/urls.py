"""Routes of the mail API, mounted under /api/mail/ on every company host."""

from django.urls import path

from tenant_apps.mail import api, views_actions, views_admin, views_drafts, views_labels, views_oauth, views_outbox

urlpatterns = [
    path("presets", api.PresetListView.as_view(), name="mail-presets"),
    path("accounts", api.AccountListView.as_view(), name="mail-account-list"),
    path("accounts/<int:account_id>", api.AccountDetailView.as_view(), name="mail-account-detail"),
    path("accounts/<int:account_id>/test", api.AccountTestView.as_view(), name="mail-account-test"),
    path("accounts/<int:account_id>/sync", api.AccountSyncView.as_view(), name="mail-account-sync"),
    path("accounts/<int:account_id>/share", api.AccountShareView.as_view(), name="mail-account-share"),
    path("accounts/<int:account_id>/folders", views_actions.FolderListCreateView.as_view(), name="mail-folder-list"),
    path("accounts/<int:account_id>/threads", api.ThreadListView.as_view(), name="mail-thread-list"),
    path("accounts/<int:account_id>/messages", api.MessageListView.as_view(), name="mail-message-list"),
    path("messages/<int:message_id>", api.MessageDetailView.as_view(), name="mail-message-detail"),
    path("messages/<int:message_id>/raw", api.MessageRawView.as_view(), name="mail-message-raw"),
    path("messages/<int:message_id>/attachments", api.AttachmentListView.as_view(), name="mail-attachment-list"),
    path("attachments/<int:attachment_id>", api.AttachmentDownloadView.as_view(), name="mail-attachment-download"),
    path(
        "accounts/<int:account_id>/messages/actions",
        views_actions.MessageActionView.as_view(),
        name="mail-message-actions",
    ),
    path("accounts/<int:account_id>/trash/empty", views_actions.TrashEmptyView.as_view(), name="mail-trash-empty"),
    path("action-jobs/<int:job_id>", views_actions.ActionJobView.as_view(), name="mail-action-job"),
    path("folders/<int:folder_id>", views_actions.FolderDetailView.as_view(), name="mail-folder-detail"),
    path("messages/<int:message_id>/labels", views_labels.MessageLabelsView.as_view(), name="mail-message-labels"),
]

urlpatterns += [
    path("accounts/<int:account_id>/outbox", views_outbox.AccountOutboxView.as_view(), name="mail-outbox-list"),
    path("outbox/<int:outgoing_id>", views_outbox.OutboxDetailView.as_view(), name="mail-outbox-detail"),
    path("outbox/<int:outgoing_id>/undo", views_outbox.OutboxUndoView.as_view(), name="mail-outbox-undo"),
    path("outbox/<int:outgoing_id>/retry", views_outbox.OutboxRetryView.as_view(), name="mail-outbox-retry"),
    path("uploads", views_outbox.UploadCreateView.as_view(), name="mail-upload-create"),
    path("uploads/<int:upload_id>", views_outbox.UploadDetailView.as_view(), name="mail-upload-detail"),
    path("send-preferences", views_outbox.SendPreferencesView.as_view(), name="mail-send-preferences"),
    path("accounts/<int:account_id>/drafts", views_drafts.AccountDraftsView.as_view(), name="mail-draft-list"),
    path("drafts/<int:draft_id>", views_drafts.DraftDetailView.as_view(), name="mail-draft-detail"),
    path("drafts/<int:draft_id>/send", views_drafts.DraftSendView.as_view(), name="mail-draft-send"),
]

urlpatterns += [
    path("oauth/providers", views_oauth.OAuthProviderListView.as_view(), name="mail-oauth-providers"),
    path("oauth/connect", views_oauth.OAuthConnectView.as_view(), name="mail-oauth-connect"),
    path("oauth/complete", views_oauth.OAuthCompleteView.as_view(), name="mail-oauth-complete"),
    path(
        "accounts/<int:account_id>/oauth/reconnect",
        views_oauth.OAuthReconnectView.as_view(),
        name="mail-oauth-reconnect",
    ),
]

# The admin console's view of every account of the company (tenant_apps/mail/views_admin.py).
urlpatterns += [
    path("admin/accounts", views_admin.AdminAccountListView.as_view(), name="mail-admin-account-list"),
    path("admin/accounts/<int:account_id>", views_admin.AdminAccountDetailView.as_view(), name="mail-admin-account"),
    path(
        "admin/accounts/<int:account_id>/test",
        views_admin.AdminAccountTestView.as_view(),
        name="mail-admin-account-test",
    ),
    path(
        "admin/accounts/<int:account_id>/share",
        views_admin.AdminAccountShareView.as_view(),
        name="mail-admin-account-share",
    ),
]
