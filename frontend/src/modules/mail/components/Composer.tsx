"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";

import { ApiError, errorMessage } from "@/api/errors";
import type { MailOutgoing, MailUpload } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { useDraftAutosave, type DraftState } from "../hooks/useDraftAutosave";
import { attachmentUpload, useMailSend } from "../hooks/useMailSend";
import { byteSize } from "../utils/format";
import { outboxRequest, type ComposeFields } from "../utils/compose";

type Attachment = { key: string; name: string; size: number; progress: number; upload?: MailUpload; error?: string };

const DRAFT_STATES: Record<DraftState, string> = { idle: "", saving: "Saving…", saved: "Draft saved", error: "Draft not saved" };

const TITLES: Record<ComposeFields["mode"], string> = { new: "New message", reply: "Reply", reply_all: "Reply all", forward: "Forward" };

function AttachmentRow({ attachment, onRemove }: { attachment: Attachment; onRemove: () => void }) {
  const percent = Math.round(attachment.progress * 100);
  return (
    <li className="flex items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 text-sm" data-testid="compose-attachment">
      <span className="min-w-0 flex-1 truncate">{attachment.name}</span>
      <span className="shrink-0 text-xs text-slate-500">{byteSize(attachment.size)}</span>
      {attachment.error ? (
        <span className="shrink-0 text-xs text-red-700">{attachment.error}</span>
      ) : attachment.upload ? (
        <span className="shrink-0 text-xs text-emerald-700">Attached</span>
      ) : (
        <span role="progressbar" aria-label={`Uploading ${attachment.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-1.5 w-20 shrink-0 overflow-hidden rounded-full bg-slate-200">
          <span className="block h-full bg-indigo-600" style={{ width: `${percent}%` }} />
        </span>
      )}
      <button type="button" onClick={onRemove} className="shrink-0 rounded px-1 text-slate-500 hover:text-slate-900" aria-label={`Remove ${attachment.name}`}>
        ✕
      </button>
    </li>
  );
}

/** Write, reply, reply-all or forward; attachments upload with progress; send now or at a chosen time. */
export function Composer({
  accountId,
  initial,
  onClose,
  onQueued,
}: {
  accountId: number;
  initial: ComposeFields;
  onClose: () => void;
  onQueued: (outgoing: MailOutgoing, fields: ComposeFields) => void;
}) {
  const [fields, setFields] = useState<ComposeFields>(initial);
  const [attachments, setAttachments] = useState<Attachment[]>(() =>
    initial.uploads.map((upload) => ({ key: `upload-${upload.id}`, name: upload.filename, size: upload.size, progress: 1, upload })),
  );
  const [showSchedule, setShowSchedule] = useState(Boolean(initial.sendAt));
  const send = useMailSend(accountId);
  const headingId = useId();
  const firstField = useRef<HTMLInputElement>(null);
  const bodyField = useRef<HTMLTextAreaElement>(null);
  const apiError = send.error instanceof ApiError ? send.error : null;
  const attachmentIds = attachments.flatMap((attachment) => (attachment.upload ? [attachment.upload.id] : []));
  const request = outboxRequest(fields, attachmentIds);
  const changed = fields !== initial || attachmentIds.length !== initial.uploads.length;
  const draft = useDraftAutosave(accountId, request, changed, initial.draftId);
  const uploading = attachments.some((attachment) => !attachment.upload && !attachment.error);
  const set = <K extends keyof ComposeFields>(key: K, value: ComposeFields[K]) => setFields((current) => ({ ...current, [key]: value }));

  useEffect(() => {
    (initial.to ? bodyField.current : firstField.current)?.focus();
  }, [initial.to]);

  const attach = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      const update = (change: Partial<Attachment>) =>
        setAttachments((current) => current.map((entry) => (entry.key === key ? { ...entry, ...change } : entry)));
      setAttachments((current) => [...current, { key, name: file.name, size: file.size, progress: 0 }]);
      attachmentUpload(file, (progress) => update({ progress })).then(
        (upload) => update({ upload, progress: 1 }),
        (error: unknown) => update({ error: errorMessage(error) }),
      );
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate(request, {
      onSuccess: (outgoing) => {
        void draft.remove();
        // Sent: the draft is gone, so a message brought back by Undo starts a new one.
        onQueued(outgoing, { ...fields, draftId: null, uploads: attachments.flatMap((attachment) => (attachment.upload ? [attachment.upload] : [])) });
      },
    });
  };

  return (
    <section
      role="dialog"
      aria-labelledby={headingId}
      data-testid="composer"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
      className="fixed inset-0 z-40 flex flex-col bg-white sm:inset-auto sm:bottom-4 sm:right-4 sm:max-h-[calc(100dvh-6rem)] sm:w-[36rem] sm:rounded-xl sm:border sm:border-slate-200 sm:shadow-2xl"
    >
      <header className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <h2 id={headingId} className="text-sm font-semibold text-slate-900">
          {TITLES[fields.mode]}
        </h2>
        <button type="button" onClick={onClose} className="rounded p-1 text-slate-500 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600" aria-label="Close the composer (the draft is kept)">
          ✕
        </button>
      </header>
      <form onSubmit={submit} noValidate className="flex min-h-0 flex-1 flex-col gap-3 overflow-y-auto px-4 py-3">
        <FormError error={send.error} shownFields={["to", "cc", "bcc", "subject", "text_body", "send_at"]} />
        <Field label="To" error={apiError?.fieldError("to") ?? (apiError?.fields["to.0"]?.[0])}>
          <Input ref={firstField} value={fields.to} onChange={(event) => set("to", event.target.value)} placeholder="name@example.com, …" />
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Cc" error={apiError?.fieldError("cc")}>
            <Input value={fields.cc} onChange={(event) => set("cc", event.target.value)} />
          </Field>
          <Field label="Bcc" error={apiError?.fieldError("bcc")}>
            <Input value={fields.bcc} onChange={(event) => set("bcc", event.target.value)} />
          </Field>
        </div>
        <Field label="Subject" error={apiError?.fieldError("subject")}>
          <Input value={fields.subject} onChange={(event) => set("subject", event.target.value)} />
        </Field>
        <div className="space-y-1.5">
          <label htmlFor={`${headingId}-body`} className="block text-sm font-medium text-slate-800">
            Message
          </label>
          <textarea
            id={`${headingId}-body`}
            ref={bodyField}
            value={fields.body}
            onChange={(event) => set("body", event.target.value)}
            rows={8}
            className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm shadow-sm focus:outline-2 focus:outline-indigo-600"
          />
          {fields.mode !== "new" ? <p className="text-xs text-slate-500">The original message is quoted below your text when it is sent.</p> : null}
        </div>
        {attachments.length > 0 ? (
          <ul className="space-y-2" aria-label="Attachments">
            {attachments.map((attachment) => (
              <AttachmentRow key={attachment.key} attachment={attachment} onRemove={() => setAttachments((current) => current.filter((entry) => entry.key !== attachment.key))} />
            ))}
          </ul>
        ) : null}
        {showSchedule ? (
          <Field label="Send at" hint="Your local time." error={apiError?.fieldError("send_at")}>
            <Input type="datetime-local" value={fields.sendAt} onChange={(event) => set("sendAt", event.target.value)} />
          </Field>
        ) : null}
        <div className="mt-auto flex flex-wrap items-center gap-2 border-t border-slate-100 pt-3">
          <Button type="submit" loading={send.isPending} disabled={uploading}>
            {fields.sendAt ? "Schedule" : "Send"}
          </Button>
          <label className="inline-flex h-8 cursor-pointer items-center rounded-lg px-3 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-within:outline-2 focus-within:outline-indigo-600">
            Attach files
            <input type="file" multiple className="sr-only" onChange={(event) => {
              attach(event.target.files);
              event.target.value = "";
            }} />
          </label>
          <Button variant="ghost" size="sm" aria-expanded={showSchedule} onClick={() => {
            setShowSchedule((open) => !open);
            if (showSchedule) set("sendAt", "");
          }}>
            {showSchedule ? "Send now instead" : "Schedule send"}
          </Button>
          <span className="ml-auto text-xs text-slate-500" aria-live="polite" data-testid="draft-state">
            {DRAFT_STATES[draft.state]}
          </span>
          <Button variant="ghost" size="sm" onClick={() => {
            void draft.remove();
            onClose();
          }}>
            Discard
          </Button>
        </div>
      </form>
    </section>
  );
}
