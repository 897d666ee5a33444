// What the composer starts with for a reply, reply-all or forward, and how its fields become the outbox request.
import type { ComposeMode, MailDraft, MailMessageDetail, MailUpload, OutboxCreate } from "@/api/schemas";

export type ComposeFields = {
  mode: ComposeMode;
  sourceMessageId: number | null;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  body: string;
  /** yyyy-mm-ddThh:mm from a datetime-local input, "" to send now */
  sendAt: string;
  /** attachments already uploaded (a message reopened by Undo, or a saved draft, keeps them) */
  uploads: MailUpload[];
  /** the saved draft this message continues (autosave replaces it), null for a new one */
  draftId: number | null;
};

type Address = { name: string; address: string };

export const NEW_MESSAGE: ComposeFields = { mode: "new", sourceMessageId: null, to: "", cc: "", bcc: "", subject: "", body: "", sendAt: "", uploads: [], draftId: null };

export function formatted(entry: Address): string {
  return entry.name ? `${entry.name.replace(/[",]/g, "")} <${entry.address}>` : entry.address;
}

function withPrefix(subject: string, prefix: "Re:" | "Fwd:"): string {
  return subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`.trim();
}

/** Recipients and subject the way Gmail fills them: reply to Reply-To (or From); reply-all adds To and Cc, not me. */
export function composeFrom(message: MailMessageDetail, mode: Exclude<ComposeMode, "new">, ownAddress: string): ComposeFields {
  const me = ownAddress.toLowerCase();
  const sender: Address[] = message.reply_to.length > 0 ? message.reply_to : [{ name: message.from_name, address: message.from_address }];
  const base = { ...NEW_MESSAGE, mode, sourceMessageId: message.id };
  if (mode === "forward") return { ...base, subject: withPrefix(message.subject, "Fwd:") };
  const seen = new Set<string>();
  const unique = (entries: Address[]) =>
    entries.filter((entry) => {
      const key = entry.address.toLowerCase();
      if (!key || key === me || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const to = unique(sender);
  const cc = mode === "reply_all" ? unique([...message.to, ...message.cc]) : [];
  return { ...base, to: to.map(formatted).join(", "), cc: cc.map(formatted).join(", "), subject: withPrefix(message.subject, "Re:") };
}

/** A comma-separated recipient field as a list; commas inside quotes or angle brackets stay. */
export function recipientsSplit(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let bracket = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (char === "<") bracket = true;
    if (char === ">") bracket = false;
    if ((char === "," || char === ";") && !quoted && !bracket) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** The outbox request of the composer's fields; the server quotes the source message and keeps the thread. */
export function outboxRequest(fields: ComposeFields, attachmentIds: number[]): OutboxCreate {
  const sendAt = fields.sendAt ? new Date(fields.sendAt) : null;
  return {
    mode: fields.mode,
    source_message: fields.sourceMessageId,
    to: recipientsSplit(fields.to),
    cc: recipientsSplit(fields.cc),
    bcc: recipientsSplit(fields.bcc),
    subject: fields.subject,
    text_body: fields.body,
    html_body: "",
    quote: fields.mode !== "new",
    attachments: attachmentIds,
    send_at: sendAt && !Number.isNaN(sendAt.getTime()) ? sendAt.toISOString() : null,
  };
}

/** The composer's fields of a saved draft, to continue writing it: the same draft is saved again, then sent. */
export function composeFromDraft(draft: MailDraft): ComposeFields {
  const list = (entries: readonly Address[]) => entries.map(formatted).join(", ");
  return {
    mode: draft.mode,
    sourceMessageId: draft.source_message,
    to: list(draft.to),
    cc: list(draft.cc),
    bcc: list(draft.bcc),
    subject: draft.subject,
    body: draft.text_body,
    sendAt: "",
    uploads: draft.attachments,
    draftId: draft.id,
  };
}

/** How a draft reads in the list: its subject (or a placeholder), and to whom. */
export function draftSummary(draft: Pick<MailDraft, "subject" | "to" | "text_body">): { title: string; recipients: string; snippet: string } {
  return {
    title: draft.subject.trim() || "(no subject)",
    recipients: draft.to.length > 0 ? `To: ${draft.to.map((entry) => entry.name || entry.address).join(", ")}` : "No recipients yet",
    snippet: draft.text_body.replace(/\s+/g, " ").trim().slice(0, 140),
  };
}
