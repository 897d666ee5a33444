"use client";

import { useEffect, useRef } from "react";

import { errorMessage } from "@/api/errors";
import type { MailAccount, MailFolder, MailMessage, MailMessageDetail } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button, buttonClasses } from "@/modules/ui/components/Button";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Select } from "@/modules/ui/components/Select";
import { Spinner } from "@/modules/ui/components/Spinner";
import { cx } from "@/modules/ui/utils/cx";

import { useMailFlagsSet } from "../hooks/useMailMessage";
import { addressList, folderLabel, mailDate, mailDateLong, senderLabel } from "../utils/format";
import { AttachmentList } from "./AttachmentList";
import { MessageFrame } from "./MessageFrame";
import { MessageTags } from "./MessageTags";

function ThreadStrip({ thread, openId, onOpen }: { thread: MailMessage[]; openId: number; onOpen: (id: number) => void }) {
  if (thread.length < 2) return null;
  return (
    <nav aria-label="Messages in this conversation" className="border-b border-slate-200 bg-slate-50 px-5 py-2">
      <ol className="space-y-0.5">
        {thread.map((message) => (
          <li key={message.id}>
            <button
              type="button"
              onClick={() => onOpen(message.id)}
              aria-current={message.id === openId ? "true" : undefined}
              className={cx(
                "flex w-full items-baseline justify-between gap-3 rounded px-2 py-1 text-left text-sm",
                message.id === openId ? "bg-white font-medium text-slate-900 shadow-sm" : "text-slate-600 hover:bg-white",
              )}
            >
              <span className="truncate">{senderLabel(message)}: {message.snippet}</span>
              <span className="shrink-0 text-xs text-slate-500">{mailDate(message.internal_date)}</span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function MessageHeader({ message }: { message: MailMessageDetail }) {
  return (
    <div className="space-y-1 text-sm">
      <p className="text-slate-900">
        <span className="font-semibold">{senderLabel(message)}</span>{" "}
        {message.from_name ? <span className="text-slate-500">&lt;{message.from_address}&gt;</span> : null}
      </p>
      {message.to.length > 0 ? <p className="text-slate-600">To: {addressList(message.to)}</p> : null}
      {message.cc.length > 0 ? <p className="text-slate-600">Cc: {addressList(message.cc)}</p> : null}
      <p className="text-slate-500">
        <time dateTime={message.internal_date}>{mailDateLong(message.sent_at ?? message.internal_date)}</time>
      </p>
    </div>
  );
}

/** The open message: header, actions, the sanitized body in a sandbox, attachments, the conversation. */
export function ReadingPane({
  message,
  isPending,
  error,
  onRetry,
  thread,
  remoteImages,
  onShowImages,
  onOpen,
  onBack,
  onCompose,
  onArchive,
  onDelete,
  moveTargets,
  onMove,
  account,
  folders,
}: {
  message: MailMessageDetail | undefined;
  isPending: boolean;
  error: unknown;
  onRetry: () => void;
  thread: MailMessage[];
  remoteImages: boolean;
  onShowImages: () => void;
  onOpen: (id: number) => void;
  onBack: () => void;
  onCompose: (mode: "reply" | "reply_all" | "forward") => void;
  onArchive: (() => void) | null;
  onDelete: () => void;
  moveTargets: MailFolder[];
  onMove: (folderId: number) => void;
  account: MailAccount;
  folders: MailFolder[];
}) {
  const flags = useMailFlagsSet();
  const heading = useRef<HTMLHeadingElement>(null);
  const messageId = message?.id;

  useEffect(() => {
    if (messageId !== undefined) heading.current?.focus({ preventScroll: true });
  }, [messageId]);

  if (isPending) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Loading the message" />
      </div>
    );
  }
  if (error || !message) {
    return (
      <div className="p-5">
        <ErrorState error={error} onRetry={onRetry} />
      </div>
    );
  }
  return (
    <article className="flex h-full min-h-0 flex-col" aria-labelledby="reading-subject" data-testid="reading-pane">
      <header className="space-y-3 border-b border-slate-200 px-5 py-4">
        <div className="flex items-start gap-2">
          <Button variant="ghost" size="sm" className="-ml-2 md:hidden" onClick={onBack} aria-label="Back to the list">
            ←
          </Button>
          <h2 id="reading-subject" ref={heading} tabIndex={-1} className="min-w-0 flex-1 text-lg font-semibold leading-snug text-slate-900 focus:outline-none">
            {message.subject || "(no subject)"}
          </h2>
        </div>
        <MessageHeader message={message} />
        <div className="flex flex-wrap gap-2" role="toolbar" aria-label="Message actions">
          <Button variant="secondary" size="sm" onClick={() => onCompose("reply")} aria-keyshortcuts="r">
            Reply
          </Button>
          <Button variant="secondary" size="sm" onClick={() => onCompose("reply_all")} aria-keyshortcuts="a">
            Reply all
          </Button>
          <Button variant="secondary" size="sm" onClick={() => onCompose("forward")} aria-keyshortcuts="f">
            Forward
          </Button>
          {onArchive ? (
            <Button variant="secondary" size="sm" onClick={onArchive} aria-keyshortcuts="e">
              Archive
            </Button>
          ) : null}
          <Button variant="danger" size="sm" onClick={onDelete} aria-keyshortcuts="#">
            Delete
          </Button>
          {moveTargets.length > 0 ? (
            <>
              <label htmlFor="reading-move" className="sr-only">
                Move to folder
              </label>
              <Select id="reading-move" className="h-8 max-w-44 py-0" value="" onChange={(event) => event.target.value && onMove(Number(event.target.value))}>
                <option value="">Move to…</option>
                {moveTargets.map((folder) => (
                  <option key={folder.id} value={folder.id}>
                    {folderLabel(folder)}
                  </option>
                ))}
              </Select>
            </>
          ) : null}
          <Button
            variant="secondary"
            size="sm"
            loading={flags.isPending && flags.variables?.is_flagged !== undefined}
            onClick={() => flags.mutate({ messageId: message.id, is_flagged: !message.is_flagged })}
            aria-pressed={message.is_flagged}
          >
            {message.is_flagged ? "Unflag" : "Flag"}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            loading={flags.isPending && flags.variables?.is_read !== undefined}
            onClick={() => flags.mutate({ messageId: message.id, is_read: !message.is_read })}
          >
            {message.is_read ? "Mark unread" : "Mark read"}
          </Button>
          <a className={buttonClasses("ghost", "sm")} href={`/api/mail/messages/${message.id}/raw`} download={`message-${message.id}.eml`}>
            Download original
          </a>
        </div>
        <MessageTags key={message.id} message={message} account={account} folders={folders} />
        {flags.isError ? <Banner tone="danger">{errorMessage(flags.error)}</Banner> : null}
        {message.has_remote_images && !remoteImages ? (
          <Banner
            tone="info"
            actions={
              <Button variant="secondary" size="sm" onClick={onShowImages}>
                Show images
              </Button>
            }
          >
            Remote images are hidden to protect your privacy.
          </Banner>
        ) : null}
      </header>
      <ThreadStrip thread={thread} openId={message.id} onOpen={onOpen} />
      <div className="flex min-h-0 flex-1 flex-col">
        <MessageFrame html={message.html_body} text={message.text_body} remoteImages={remoteImages} title={`Message: ${message.subject || "(no subject)"}`} />
      </div>
      <AttachmentList attachments={message.attachments} />
    </article>
  );
}
