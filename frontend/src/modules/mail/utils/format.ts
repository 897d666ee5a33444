// How mail reads in lists: short dates, sender names, sizes, sync progress.
import type { MailAccount, MailFolder, MailMessage } from "@/api/schemas";

/** Today: the time; this year: day and month; older: the date with the year. */
export function mailDate(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  if (date.getFullYear() === now.getFullYear()) return date.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  return date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

export function mailDateLong(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function senderLabel(message: Pick<MailMessage, "from_name" | "from_address">): string {
  return message.from_name.trim() || message.from_address || "(unknown sender)";
}

export function addressList(addresses: readonly { name: string; address: string }[]): string {
  return addresses.map((entry) => (entry.name ? `${entry.name} <${entry.address}>` : entry.address)).join(", ");
}

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Percent of the sync done (0–100): 0 while the first sync waits to start, null when no sync is under way. */
export function syncPercent(sync: MailAccount["sync"]): number | null {
  if (sync.state === "idle" && sync.last_synced_at === null) return 0;
  if (sync.state !== "syncing") return null;
  if (sync.messages_total > 0) return Math.min(100, Math.floor((sync.messages_done / sync.messages_total) * 100));
  if (sync.folders_total > 0) return Math.min(100, Math.floor((sync.folders_done / sync.folders_total) * 100));
  return 0;
}

export function isSyncing(sync: MailAccount["sync"]): boolean {
  return syncPercent(sync) !== null;
}

const ROLE_ORDER = ["inbox", "drafts", "sent", "archive", "all", "junk", "trash"];
const ROLE_NAMES: Record<string, string> = {
  inbox: "Inbox",
  drafts: "Drafts",
  sent: "Sent",
  archive: "Archive",
  all: "All mail",
  junk: "Spam",
  trash: "Trash",
};

export function folderLabel(folder: Pick<MailFolder, "name" | "role" | "delimiter">): string {
  if (folder.role && ROLE_NAMES[folder.role]) return ROLE_NAMES[folder.role] as string;
  const parts = folder.delimiter ? folder.name.split(folder.delimiter) : [folder.name];
  return parts[parts.length - 1] || folder.name;
}

/** Special folders first in Gmail's order, then the others by name. */
export function foldersSorted<F extends Pick<MailFolder, "name" | "role">>(folders: readonly F[]): F[] {
  const rank = (folder: F) => {
    const index = ROLE_ORDER.indexOf(folder.role ?? "");
    return index === -1 ? ROLE_ORDER.length : index;
  };
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
