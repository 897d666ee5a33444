import type { MailAttachment } from "@/api/schemas";

import { byteSize } from "../utils/format";

/** Downloads of a message's attachments (the API sends anything risky as application/octet-stream). */
export function AttachmentList({ attachments }: { attachments: MailAttachment[] }) {
  const files = attachments.filter((attachment) => !attachment.is_inline || attachment.filename);
  if (files.length === 0) return null;
  return (
    <section aria-label="Attachments" className="border-t border-slate-200 px-5 py-3">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {files.length === 1 ? "1 attachment" : `${files.length} attachments`}
      </h3>
      <ul className="flex flex-wrap gap-2">
        {files.map((attachment) => (
          <li key={attachment.id}>
            <a
              href={`/api/mail/attachments/${attachment.id}`}
              download={attachment.filename || undefined}
              data-testid="attachment"
              className="flex max-w-64 items-center gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <svg viewBox="0 0 20 20" className="h-4 w-4 shrink-0 fill-slate-400" aria-hidden="true">
                <path d="M5 2h6l4 4v12H5Zm6 1.5V7h3.5Z" />
              </svg>
              <span className="truncate">{attachment.filename || "Unnamed file"}</span>
              <span className="shrink-0 text-xs text-slate-500">{byteSize(attachment.size)}</span>
              <span className="sr-only">(download)</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
