// A "Connect Google / Microsoft / Yahoo / company account" that could not finish comes back from the server as a
// redirect to /settings/mail-accounts?oauth_error=<code> (tenant_apps/mail/views_oauth.py). Only the code travels
// in the URL, so what the user reads is written here, never taken from the link.

const MESSAGES: Partial<Record<string, string>> = {
  oauth_state_invalid: "The answer from the sign-in page was not valid or came too late. Start connecting again.",
  oauth_state_used: "This sign-in was already used. Start connecting again.",
  oauth_callback_invalid: "The answer from the sign-in page was incomplete. Start connecting again.",
  oauth_wrong_company: "This sign-in was started for another company. Start it again here.",
  oauth_session_mismatch: "This sign-in was started in another browser session. Start it again here.",
  oauth_session_required: "Sign in to Atrium first, then start connecting the mailbox again.",
  oauth_denied: "The provider did not grant access. Start again and allow Atrium to use the mailbox.",
  oauth_provider_error: "The provider's answer could not be used. Try again in a moment.",
  oauth_wrong_mailbox: "You allowed access to another mailbox than the one you entered. Start again with that mailbox.",
  oauth_provider_unavailable: "Signing in with this provider is not offered here.",
  oauth_account_gone: "The mailbox to sign in again was removed meanwhile.",
  oauth_not_oauth: "This mailbox signs in with a password: enter it again instead.",
  permission_denied: "Only the mailbox's owner and admins can sign it in again.",
};

const REFUSED_PREFIX = "credentials_refused_";
const FALLBACK = "Connecting the mailbox did not finish. Start again.";

/** What to tell the user about an `oauth_error` code; unknown codes get a general sentence. */
export function oauthErrorMessage(code: string): string {
  if (code.startsWith(REFUSED_PREFIX)) {
    return "The provider granted access, but the mail server refused the sign-in with it. Try again, or ask your administrator whether IMAP and SMTP are enabled for this mailbox.";
  }
  return (Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : undefined) ?? FALLBACK;
}
