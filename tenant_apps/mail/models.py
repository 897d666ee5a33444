"""The team's mailboxes in the tenant schema: accounts, folders with their IMAP sync state, messages, threads."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

SEARCH_BODY_CHARS = 100_000


class Security(models.TextChoices):
    TLS = "tls", "TLS"
    STARTTLS = "starttls", "STARTTLS"
    # Plain text is refused for anything but a loopback server (checked by the service).
    NONE = "none", "None (loopback only)"


class AccountStatus(models.TextChoices):
    OK = "ok", "OK"
    AUTH_FAILED = "auth_failed", "Authentication failed"
    UNREACHABLE = "unreachable", "Server unreachable"
    TLS_ERROR = "tls_error", "TLS error"
    PROTOCOL_ERROR = "protocol_error", "Protocol error"
    # An OAuth2 account whose refresh token was revoked or expired: only the owner signing in again helps.
    REAUTH_REQUIRED = "reauth_required", "Sign-in required"


class SyncState(models.TextChoices):
    IDLE = "idle", "Idle"
    SYNCING = "syncing", "Syncing"
    FAILED = "failed", "Failed"


class FolderRole(models.TextChoices):
    NONE = "", "None"
    INBOX = "inbox", "Inbox"
    SENT = "sent", "Sent"
    DRAFTS = "drafts", "Drafts"
    TRASH = "trash", "Trash"
    JUNK = "junk", "Junk"
    ARCHIVE = "archive", "Archive"
    ALL = "all", "All mail"


class MailAccount(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_accounts")
    # A shared inbox (sales@): these users read it too; only the owner and admins change it.
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="shared_mail_accounts", blank=True)
    name = models.CharField(max_length=120)
    email_address = models.EmailField(max_length=254)
    provider = models.CharField(max_length=16, default="custom")
    imap_host = models.CharField(max_length=253)
    imap_port = models.PositiveIntegerField()
    imap_security = models.CharField(max_length=8, choices=Security.choices)
    smtp_host = models.CharField(max_length=253)
    smtp_port = models.PositiveIntegerField()
    smtp_security = models.CharField(max_length=8, choices=Security.choices)
    username = models.CharField(max_length=254)
    # Fernet token (tenant_apps.mail.crypto); the password itself is never stored nor returned.
    password_encrypted = models.TextField()
    # "password", or "oauth2": then the login is an access token kept in MailOAuthToken (tenant_apps.mail.oauth).
    auth_method = models.CharField(max_length=8, default="password")
    is_active = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=AccountStatus.choices, default=AccountStatus.OK)
    status_message = models.TextField(blank=True, default="")
    status_changed_at = models.DateTimeField(default=timezone.now)
    sync_state = models.CharField(max_length=8, choices=SyncState.choices, default=SyncState.IDLE)
    sync_folders_total = models.PositiveIntegerField(default=0)
    sync_folders_done = models.PositiveIntegerField(default=0)
    sync_messages_total = models.PositiveIntegerField(default=0)
    sync_messages_done = models.PositiveIntegerField(default=0)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.email_address


class MailFolder(models.Model):
    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(max_length=1000)
    delimiter = models.CharField(max_length=4, blank=True, default="")
    role = models.CharField(max_length=8, choices=FolderRole.choices, blank=True, default="")
    uid_validity = models.BigIntegerField(null=True, blank=True)
    uid_next = models.BigIntegerField(null=True, blank=True)
    highest_modseq = models.BigIntegerField(null=True, blank=True)
    # EXISTS as the server last reported it; with UIDNEXT and HIGHESTMODSEQ it tells "nothing changed".
    server_message_count = models.PositiveIntegerField(default=0)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Gmail: the label this folder shows (\Inbox, \Sent, Work, ...). Such a folder is not synced; its messages
    # are the All Mail messages carrying the label. Null for every other folder (All Mail, Trash, Spam too).
    gmail_label = models.CharField(max_length=1000, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="mail_folder_unique_name")]

    def __str__(self) -> str:
        return self.name


class MailThread(models.Model):
    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="threads")
    subject = models.TextField(blank=True, default="")
    message_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "-last_message_at", "-id"], name="mail_thread_recent")]

    def __str__(self) -> str:
        return self.subject


class MailThreadKey(models.Model):
    """Every Message-ID a thread's messages carry or refer to: the id table of JWZ threading, kept in SQL."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=998)
    thread = models.ForeignKey(MailThread, on_delete=models.CASCADE, related_name="keys")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="mail_thread_key_unique")]

    def __str__(self) -> str:
        return self.key


class MailMessage(models.Model):
    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="messages")
    folder = models.ForeignKey(MailFolder, on_delete=models.CASCADE, related_name="messages")
    uid = models.BigIntegerField()
    thread = models.ForeignKey(MailThread, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    message_id = models.CharField(max_length=998, blank=True, default="")
    in_reply_to = models.CharField(max_length=998, blank=True, default="")
    references = ArrayField(models.CharField(max_length=998), default=list, blank=True)
    subject = models.TextField(blank=True, default="")
    from_name = models.TextField(blank=True, default="")
    from_address = models.CharField(max_length=320, blank=True, default="")
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    internal_date = models.DateTimeField()
    size = models.PositiveIntegerField(default=0)
    flags = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    is_read = models.BooleanField(default=False)
    is_flagged = models.BooleanField(default=False)
    modseq = models.BigIntegerField(null=True, blank=True)
    snippet = models.CharField(max_length=300, blank=True, default="")
    text_body = models.TextField(blank=True, default="")
    html_body = models.TextField(blank=True, default="")
    has_remote_images = models.BooleanField(default=False)
    has_attachments = models.BooleanField(default=False)
    truncated = models.BooleanField(default=False)
    parse_problems = models.TextField(blank=True, default="")
    raw_sha256 = models.CharField(max_length=64, blank=True, default="")
    # Names and addresses of everyone on the message, one string, for the search vector.
    participants = models.TextField(blank=True, default="")
    # Gmail only: X-GM-LABELS as the server wrote them, and the message's identity and thread there.
    labels = ArrayField(models.CharField(max_length=1000), default=list, blank=True)
    gmail_message_id = models.BigIntegerField(null=True, blank=True)
    gmail_thread_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["folder", "uid"], name="mail_message_unique_uid"),
            # A Gmail message is stored once, whichever labels (folders) it is in.
            models.UniqueConstraint(
                fields=["account", "gmail_message_id"],
                condition=models.Q(gmail_message_id__isnull=False),
                name="mail_message_unique_gmail_id",
            ),
        ]
        indexes = [
            models.Index(fields=["folder", "-internal_date", "-id"], name="mail_message_folder_recent"),
            models.Index(fields=["account", "-internal_date", "-id"], name="mail_message_account_recent"),
            models.Index(fields=["thread", "internal_date"], name="mail_message_thread"),
            models.Index(fields=["account", "message_id"], name="mail_message_msgid"),
            models.Index(fields=["from_address"], name="mail_message_from"),
            GinIndex(fields=["labels"], name="mail_message_labels"),
        ]

    def __str__(self) -> str:
        return self.subject


class MailMessageSearch(models.Model):
    """A message's full-text search vector (subject A, participants B, the first SEARCH_BODY_CHARS of the body C),
    in a table of its own so that a folder's initial sync can build it on a second connection while its next
    batches are written (tenant_apps.mail.search). Any other insert of a message gets its row from a trigger
    (migration 0007), in the same statement."""

    message = models.OneToOneField(MailMessage, on_delete=models.CASCADE, primary_key=True, related_name="search")
    search_vector = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["search_vector"], name="mail_message_search_vector")]

    def __str__(self) -> str:
        return str(self.message_id)


class AddressRole(models.TextChoices):
    FROM = "from", "From"
    TO = "to", "To"
    CC = "cc", "Cc"
    BCC = "bcc", "Bcc"
    REPLY_TO = "reply_to", "Reply-To"


class MailMessageAddress(models.Model):
    """Normalized addresses of a message, ready to be matched to the tenant's contacts."""

    message = models.ForeignKey(MailMessage, on_delete=models.CASCADE, related_name="addresses")
    role = models.CharField(max_length=8, choices=AddressRole.choices)
    address = models.CharField(max_length=320)
    name = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["address"], name="mail_address_lookup")]

    def __str__(self) -> str:
        return self.address


class MailAttachment(models.Model):
    message = models.ForeignKey(MailMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=1000, blank=True, default="")
    content_type = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_id = models.CharField(max_length=998, blank=True, default="")
    is_inline = models.BooleanField(default=False)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class MailTrashedFrom(models.Model):
    """The folder a message was in before it was moved to Trash: where undoing the delete moves it back to."""

    message = models.OneToOneField(MailMessage, on_delete=models.CASCADE, related_name="trashed_from")
    # Gone with its folder: a message whose folder was deleted is restored to the inbox.
    folder = models.ForeignKey(MailFolder, on_delete=models.CASCADE, related_name="+")
    trashed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.message_id} from {self.folder_id}"


class MailActionState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MailActionJob(models.Model):
    """One action on a selection of messages, written to the server in batches; done of total is its progress."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="action_jobs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16)
    # The action's argument: the target folder of a move, the keyword of a keyword change.
    target_folder = models.ForeignKey(MailFolder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    keyword = models.CharField(max_length=200, blank=True, default="")
    message_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    state = models.CharField(max_length=8, choices=MailActionState.choices, default=MailActionState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.done}/{self.total}"


class MailUpload(models.Model):
    """A file uploaded for an outgoing message or a draft, kept in the tenant's blob store by its SHA-256.

    Forwarding makes one from a received attachment (same bytes, no copy). Only its uploader can use it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_uploads")
    filename = models.CharField(max_length=255)
    # Detected from the bytes, never taken from the name or the request.
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled (undone)"


class SendProgress(models.TextChoices):
    """How far a send got, each step committed before the next starts: what a crashed send may safely redo."""

    NOTHING = "", "Nothing handed over yet"
    DATA = "data", "Message handed to the SMTP server, answer not recorded"
    ACCEPTED = "accepted", "Accepted by the SMTP server"
    FILED = "filed", "Sent copy filed, draft removed"


class ComposeMode(models.TextChoices):
    NEW = "new", "New message"
    REPLY = "reply", "Reply"
    REPLY_ALL = "reply_all", "Reply all"
    FORWARD = "forward", "Forward"


class MailComposition(models.Model):
    """What a user writes: recipients, subject, bodies, attachments and the message it answers."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Lists of {"name": ..., "address": ...}.
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    subject = models.TextField(blank=True, default="")
    text_body = models.TextField(blank=True, default="")
    html_body = models.TextField(blank=True, default="")
    mode = models.CharField(max_length=9, choices=ComposeMode.choices, default=ComposeMode.NEW)
    source_message = models.ForeignKey(MailMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    in_reply_to = models.CharField(max_length=998, blank=True, default="")
    references = ArrayField(models.CharField(max_length=998), default=list, blank=True)
    attachments = models.ManyToManyField(MailUpload, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class MailOutgoing(MailComposition):
    """One message in the outbox. Its bytes (and so its Message-ID and Date) are fixed when it is queued."""

    status = models.CharField(max_length=9, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    progress = models.CharField(max_length=8, choices=SendProgress.choices, blank=True, default="")
    message_id = models.CharField(max_length=998)
    raw_sha256 = models.CharField(max_length=64)
    send_at = models.DateTimeField()
    # Undo is possible until then (the undo window; a scheduled message can be cancelled until send_at).
    undo_until = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    # A worker holds a send until then; past it, the sweep treats the send as crashed.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # The send may or may not have been delivered (the worker died while the server had the message).
    delivery_uncertain = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_copy_uid = models.BigIntegerField(null=True, blank=True)
    sent_copy_error = models.TextField(blank=True, default="")
    draft = models.ForeignKey("MailDraft", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["account", "message_id"], name="mail_outgoing_unique_msgid")]
        indexes = [
            models.Index(fields=["account", "-id"], name="mail_outgoing_account"),
            models.Index(fields=["status", "send_at"], name="mail_outgoing_due"),
        ]

    def __str__(self) -> str:
        return self.subject


class MailDraft(MailComposition):
    """A draft, saved here at once and pushed to the server's Drafts folder (debounced) as one message."""

    revision = models.PositiveIntegerField(default=1)
    # The revision now on the server, under server_uid in server_folder (UIDVALIDITY server_uid_validity).
    server_revision = models.PositiveIntegerField(default=0)
    server_folder = models.CharField(max_length=1000, blank=True, default="")
    server_uid = models.BigIntegerField(null=True, blank=True)
    server_uid_validity = models.BigIntegerField(null=True, blank=True)
    server_message_id = models.CharField(max_length=998, blank=True, default="")
    server_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["account", "author", "-updated_at"], name="mail_draft_recent")]

    def __str__(self) -> str:
        return self.subject


class MailSendPreferences(models.Model):
    """A user's own sending settings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_send_prefs")
    undo_send_seconds = models.PositiveSmallIntegerField(default=10)

    def __str__(self) -> str:
        return f"{self.user_id}: undo {self.undo_send_seconds}s"


class MailOAuthToken(models.Model):
    """The OAuth2 grant of an account that signs in with XOAUTH2 instead of a password (tenant_apps.mail.oauth).

    Both tokens are Fernet-encrypted (tenant_apps.mail.crypto) and never returned by any API.
    """

    account = models.OneToOneField(MailAccount, on_delete=models.CASCADE, related_name="oauth_token")
    # A key of tenant_apps.mail.oauth.providers (google, microsoft, yahoo, generic).
    provider = models.CharField(max_length=16)
    access_token_encrypted = models.TextField()
    refresh_token_encrypted = models.TextField(blank=True, default="")
    access_token_expires_at = models.DateTimeField()
    scope = models.TextField(blank=True, default="")
    # Set when the owner was mailed that the account needs signing in again; cleared when they did.
    reauth_notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.provider} grant of account {self.account_id}"


class MailBlob(models.Model):
    """Where a blob the sync wrote lies: a slice of one of the tenant's pack files (tenant_apps.mail.storage)."""

    sha256 = models.CharField(max_length=64, unique=True)
    pack = models.CharField(max_length=32, db_index=True)
    offset = models.BigIntegerField()
    length = models.BigIntegerField()

    def __str__(self) -> str:
        return self.sha256
