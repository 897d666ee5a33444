/**
 * A link into the mail client: `/mail?account=2&message=3` (search, notifications, the dashboard),
 * `&outbox=4` (a failed send's notification), `?connected=5` (back from connecting a mailbox with OAuth2).
 */
export type MailLink = { accountId: number | null; messageId: number | null; outboxId: number | null; connectedId: number | null };

function positiveId(value: string | null): number | null {
  if (value === null || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  return Number(value);
}

/** Reads the account, message, outbox message and new account a link names; anything not a positive id is ignored. */
export function mailLinkParse(params: URLSearchParams): MailLink {
  const connectedId = positiveId(params.get("connected"));
  return {
    accountId: positiveId(params.get("account")) ?? connectedId,
    messageId: positiveId(params.get("message")),
    outboxId: positiveId(params.get("outbox")),
    connectedId,
  };
}
