"""Server settings of the big providers, so a user only types an address and a password (an app password)."""

from __future__ import annotations

from dataclasses import dataclass

from tenant_apps.mail.models import Security


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset("gmail", "Gmail", "imap.gmail.com", 993, Security.TLS, "smtp.gmail.com", 465, Security.TLS),
        Preset(
            "outlook",
            "Outlook / Hotmail",
            "outlook.office365.com",
            993,
            Security.TLS,
            "smtp-mail.outlook.com",
            587,
            Security.STARTTLS,
        ),
        Preset("yahoo", "Yahoo", "imap.mail.yahoo.com", 993, Security.TLS, "smtp.mail.yahoo.com", 465, Security.TLS),
        Preset("icloud", "iCloud", "imap.mail.me.com", 993, Security.TLS, "smtp.mail.me.com", 587, Security.STARTTLS),
        Preset("fastmail", "Fastmail", "imap.fastmail.com", 993, Security.TLS, "smtp.fastmail.com", 465, Security.TLS),
    )
}
PROVIDER_CHOICES = ["custom", *PRESETS]
