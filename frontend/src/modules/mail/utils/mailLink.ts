/** A link into the mail client (`/mail?account=2&message=3`, from search, notifications and the dashboard). */
export type MailLink = { accountId: number | null; messageId: number | null };

function positiveId(value: string | null): number | null {
  if (value === null || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  return Number(value);
}

/** Reads the account and message a link names; anything that is not a positive id is ignored. */
export function mailLinkParse(params: URLSearchParams): MailLink {
  return { accountId: positiveId(params.get("account")), messageId: positiveId(params.get("message")) };
}
