"use client";

import { useId, useState } from "react";

import { errorMessage } from "@/api/errors";
import type { MailOutgoing } from "@/api/schemas";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useOutboxRetry, useOutgoing } from "../hooks/useOutgoing";
import { addressList, mailDateLong } from "../utils/format";
import { outgoingStatus } from "../utils/outbox";

/** One message of the outbox (a failed send's notification links here): its status, the server's words, Retry. */
export function OutboxPanel({ outgoingId, onClose }: { outgoingId: number; onClose: () => void }) {
  const outgoing = useOutgoing(outgoingId);
  const retry = useOutboxRetry();
  const [confirmResend, setConfirmResend] = useState(false);
  const confirmId = useId();

  if (outgoing.isPending) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Loading the message" />
      </div>
    );
  }
  if (outgoing.isError) {
    return (
      <div className="space-y-3 p-5">
        <ErrorState error={outgoing.error} onRetry={() => void outgoing.refetch()} />
        <Button variant="ghost" size="sm" onClick={onClose}>
          Close
        </Button>
      </div>
    );
  }
  const message: MailOutgoing = outgoing.data;
  const status = outgoingStatus(message);
  return (
    <article className="flex h-full min-h-0 flex-col overflow-y-auto" aria-labelledby="outbox-subject" data-testid="outbox-panel">
      <header className="space-y-3 border-b border-slate-200 px-5 py-4">
        <div className="flex items-start gap-2">
          <h2 id="outbox-subject" className="min-w-0 flex-1 text-lg font-semibold leading-snug text-slate-900">
            {message.subject || "(no subject)"}
          </h2>
          <Badge tone={status.tone}>{status.label}</Badge>
        </div>
        <div className="space-y-1 text-sm text-slate-600">
          {message.to.length > 0 ? <p>To: {addressList(message.to)}</p> : null}
          {message.cc.length > 0 ? <p>Cc: {addressList(message.cc)}</p> : null}
          <p className="text-slate-500">
            {message.sent_at ? `Sent ${mailDateLong(message.sent_at)}` : `Written ${mailDateLong(message.created_at)}`}
            {message.attempts > 0 ? ` · ${message.attempts} ${message.attempts === 1 ? "attempt" : "attempts"}` : ""}
          </p>
        </div>
        {message.status === "failed" ? (
          <Banner tone="danger" title="This message was not sent">
            <p data-testid="outbox-error">{message.last_error || "The mail server did not take it."}</p>
          </Banner>
        ) : (
          <Banner tone={status.tone === "success" ? "success" : "info"}>{status.text}</Banner>
        )}
        {message.status === "failed" && message.delivery_uncertain ? (
          <label htmlFor={confirmId} className="flex items-start gap-2 text-sm text-slate-700">
            <input id={confirmId} type="checkbox" checked={confirmResend} onChange={(event) => setConfirmResend(event.target.checked)} className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600" />
            <span>The connection broke while the server had the message, so it may have been delivered. Send it again anyway.</span>
          </label>
        ) : null}
        {retry.isError ? <Banner tone="danger">{errorMessage(retry.error)}</Banner> : null}
        <div className="flex flex-wrap gap-2">
          {message.status === "failed" ? (
            <Button
              size="sm"
              loading={retry.isPending}
              disabled={message.delivery_uncertain && !confirmResend}
              onClick={() => retry.mutate({ outgoingId: message.id, confirmResend })}
            >
              Retry
            </Button>
          ) : null}
          <Button variant="ghost" size="sm" onClick={onClose}>
            Close
          </Button>
        </div>
      </header>
      <pre className="whitespace-pre-wrap break-words px-5 py-4 font-sans text-sm text-slate-800">{message.text_body}</pre>
    </article>
  );
}
