import type { Ref } from "react";

import type { MailMessage } from "@/api/schemas";
import { cx } from "@/modules/ui/utils/cx";

import { mailDate, senderLabel } from "../utils/format";

/** One line of the message list: sender, subject and snippet, date; bold while unread. */
export function MessageRow({
  message,
  selected,
  open,
  onOpen,
  checked,
  onCheck,
  buttonRef,
}: {
  message: MailMessage;
  selected: boolean;
  open: boolean;
  onOpen: () => void;
  checked: boolean;
  onCheck: (checked: boolean) => void;
  buttonRef?: Ref<HTMLButtonElement>;
}) {
  const unread = !message.is_read;
  return (
    <li data-testid="message-row" data-message-id={message.id} data-unread={unread || undefined} className={cx("relative flex items-stretch", checked || open ? "bg-indigo-50" : selected ? "bg-slate-100" : "bg-white")}>
      {selected ? <span aria-hidden="true" className="absolute inset-y-0 left-0 w-1 bg-indigo-600" /> : null}
      <label className="flex shrink-0 cursor-pointer items-start border-b border-slate-100 pl-3 pt-3.5">
        <span className="sr-only">Select “{message.subject || "(no subject)"}”</span>
        <input type="checkbox" checked={checked} onChange={(event) => onCheck(event.target.checked)} className="h-4 w-4 rounded border-slate-300 accent-indigo-600" />
      </label>
      <button
        ref={buttonRef}
        type="button"
        onClick={onOpen}
        aria-current={open ? "true" : undefined}
        className={cx(
          "relative flex min-w-0 flex-1 flex-col gap-0.5 border-b border-slate-100 px-4 py-3 text-left transition-colors",
          "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600",
          "hover:bg-slate-50/60",
        )}
      >
        <span className="flex items-baseline justify-between gap-3">
          <span className={cx("truncate text-sm", unread ? "font-semibold text-slate-900" : "text-slate-700")}>
            {unread ? <span className="sr-only">Unread, </span> : null}
            {senderLabel(message)}
          </span>
          <span className={cx("shrink-0 text-xs tabular-nums", unread ? "font-semibold text-indigo-700" : "text-slate-500")}>
            {mailDate(message.internal_date)}
          </span>
        </span>
        <span className="flex items-center gap-1.5">
          {message.is_flagged ? (
            <svg viewBox="0 0 20 20" className="h-3.5 w-3.5 shrink-0 fill-amber-500" role="img" aria-label="Flagged">
              <path d="m10 1.5 2.6 5.3 5.9.9-4.3 4.1 1 5.8L10 14.9l-5.2 2.7 1-5.8L1.5 7.7l5.9-.9Z" />
            </svg>
          ) : null}
          <span className={cx("truncate text-sm", unread ? "font-medium text-slate-900" : "text-slate-800")}>{message.subject || "(no subject)"}</span>
          {message.has_attachments ? (
            <svg viewBox="0 0 20 20" className="h-3.5 w-3.5 shrink-0 fill-slate-400" role="img" aria-label="Has attachments">
              <path d="M13.5 4.5v8a3.5 3.5 0 0 1-7 0V4a2.5 2.5 0 0 1 5 0v8a1.5 1.5 0 0 1-3 0V5h1.5v7a.1.1 0 0 0 0 0V4a1 1 0 0 0-2 0v8.5a2 2 0 0 0 4 0v-8Z" />
            </svg>
          ) : null}
        </span>
        <span className="truncate text-sm text-slate-500">{message.snippet}</span>
      </button>
    </li>
  );
}
