// Gmail labels and IMAP keywords of a message: what the editor shows, what may be changed, and what to ask for.
import type { MailAccount, MailFolder } from "@/api/schemas";

/** Gmail's system labels a user sets by hand (the server refuses the others: they follow from send, delete, flag). */
export const SETTABLE_SYSTEM_LABELS = ["\\Inbox", "\\Important"] as const;

const SYSTEM_LABEL_NAMES: Record<string, string> = {
  "\\Inbox": "Inbox",
  "\\Important": "Important",
  "\\Sent": "Sent",
  "\\Draft": "Drafts",
  "\\Starred": "Starred",
};

// Keywords that mail programs set for themselves (RFC 5788 and common practice); not shown as tags.
const SYSTEM_KEYWORDS = new Set(["$forwarded", "$mdnsent", "$junk", "$notjunk", "$phishing", "$submitpending", "$submitted", "junk", "nonjunk", "$recent"]);

// An IMAP atom (the server's KEYWORD_PATTERN in tenant_apps/mail/actions.py).
const KEYWORD_PATTERN = /^[!#$&'+\-.0-9:;<=>?@A-Z^_`a-z|~]{1,100}$/;

/** Gmail as the server decides it: the Gmail preset, or label folders found by the sync. */
export function accountIsGmail(account: Pick<MailAccount, "provider">, folders: readonly Pick<MailFolder, "gmail_label">[]): boolean {
  return account.provider === "gmail" || folders.some((folder) => folder.gmail_label !== null);
}

export function labelName(label: string): string {
  return SYSTEM_LABEL_NAMES[label] ?? label;
}

/** A label the editor may take off (a user label, Inbox or Important). */
export function labelRemovable(label: string): boolean {
  return !label.startsWith("\\") || (SETTABLE_SYSTEM_LABELS as readonly string[]).includes(label);
}

/** The labels as the editor shows them: system labels first (Inbox, Important, ...), then the user's, by name. */
export function labelsShown(labels: readonly string[]): string[] {
  const system = labels.filter((label) => label.startsWith("\\")).sort();
  const own = labels.filter((label) => !label.startsWith("\\")).sort((a, b) => a.localeCompare(b));
  return [...system, ...own];
}

/** The user labels of the account (its label folders) that the message does not carry yet: what "Add" offers. */
export function labelsOffered(folders: readonly Pick<MailFolder, "gmail_label">[], current: readonly string[]): string[] {
  const have = new Set(current);
  const names = folders.flatMap((folder) => (folder.gmail_label && !folder.gmail_label.startsWith("\\") ? [folder.gmail_label] : []));
  const offered = [...new Set(names)].filter((name) => !have.has(name)).sort((a, b) => a.localeCompare(b));
  for (const system of SETTABLE_SYSTEM_LABELS) if (!have.has(system)) offered.unshift(system);
  return offered;
}

/** Why a label name typed by the user would be refused, or null when it is fine. */
export function labelProblem(text: string): string | null {
  if (!text.trim()) return "Type a label name.";
  if ([...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) return "A label cannot hold control characters.";
  if (text.length > 225) return "A label is at most 225 characters.";
  if (text.startsWith("\\") && !(SETTABLE_SYSTEM_LABELS as readonly string[]).includes(text)) return "Labels starting with \\ belong to Gmail.";
  if (text.startsWith("[Gmail]")) return "Names under [Gmail] belong to Gmail.";
  return null;
}

/** The keywords of a message's IMAP flags: not system flags (\Seen, ...) nor the keywords mail programs set themselves. */
export function keywordsOf(flags: readonly string[]): string[] {
  return flags.filter((flag) => !flag.startsWith("\\") && !SYSTEM_KEYWORDS.has(flag.toLowerCase())).sort((a, b) => a.localeCompare(b));
}

/** Why a keyword typed by the user would be refused, or null when it is fine. */
export function keywordProblem(text: string): string | null {
  if (!text) return "Type a tag.";
  if (/\s/.test(text)) return "A tag is one word: no spaces.";
  if (!KEYWORD_PATTERN.test(text)) return "A tag is 1 to 100 letters, digits or -_.$:; and no brackets, quotes or backslash.";
  return null;
}
