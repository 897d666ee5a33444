// What the message list asks the API for: the open folder, or a search with filters across folders.

export type MessageSearch = {
  folderId: number | null;
  text: string;
  unread: boolean;
  flagged: boolean;
  hasAttachments: boolean;
  sender: string;
  /** yyyy-mm-dd from a date input, "" for none */
  since: string;
  /** yyyy-mm-dd, inclusive */
  until: string;
};

export type MessageListQuery = {
  folder?: number;
  q?: string;
  unread?: boolean;
  flagged?: boolean;
  has_attachments?: boolean;
  sender?: string;
  since?: string;
  until?: string;
  cursor?: string;
  page_size?: number;
};

export const EMPTY_SEARCH: MessageSearch = {
  folderId: null,
  text: "",
  unread: false,
  flagged: false,
  hasAttachments: false,
  sender: "",
  since: "",
  until: "",
};

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Start of a local calendar day as an ISO instant; `dayOffset` 1 gives the next day's start. */
export function localDayStart(day: string, dayOffset = 0): string | undefined {
  if (!DATE_PATTERN.test(day)) return undefined;
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const start = new Date(year, month - 1, date + dayOffset);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

/** True when anything beyond the folder narrows the list (the list then reads as search results). */
export function isSearching(search: MessageSearch): boolean {
  return Boolean(
    search.text.trim() || search.unread || search.flagged || search.hasAttachments || search.sender.trim() || search.since || search.until,
  );
}

/** The API's query parameters for a search; only the filters that are set, dates as whole local days. */
export function messageListQuery(search: MessageSearch, cursor?: string, pageSize = 50): MessageListQuery {
  const query: MessageListQuery = { page_size: pageSize };
  if (search.folderId !== null) query.folder = search.folderId;
  const text = search.text.trim();
  if (text) query.q = text.slice(0, 500);
  if (search.unread) query.unread = true;
  if (search.flagged) query.flagged = true;
  if (search.hasAttachments) query.has_attachments = true;
  const sender = search.sender.trim();
  if (sender) query.sender = sender;
  const since = localDayStart(search.since);
  if (since) query.since = since;
  const until = localDayStart(search.until, 1);
  if (until) query.until = until;
  if (cursor) query.cursor = cursor;
  return query;
}

/** The `cursor` parameter of a paginated answer's `next` link, or undefined at the end of the list. */
export function cursorFrom(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next, "http://relative.invalid").searchParams.get("cursor") ?? undefined;
  } catch {
    return undefined;
  }
}
