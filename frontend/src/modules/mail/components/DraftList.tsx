"use client";

import { errorMessage } from "@/api/errors";
import type { MailDraft } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useDraftDiscard, useMailDrafts } from "../hooks/useMailDrafts";
import { draftSummary } from "../utils/compose";
import { mailDate } from "../utils/format";

/** My saved drafts in the account, last changed first; opening one continues it in the composer. */
export function DraftList({ accountId, openDraftId, onOpen }: { accountId: number; openDraftId: number | null; onOpen: (draft: MailDraft) => void }) {
  const drafts = useMailDrafts(accountId);
  const discard = useDraftDiscard(accountId);

  if (drafts.isPending) {
    return (
      <div className="flex justify-center p-8">
        <Spinner label="Loading your drafts" />
      </div>
    );
  }
  if (drafts.isError) {
    return (
      <div className="p-4">
        <ErrorState error={drafts.error} onRetry={() => void drafts.refetch()} />
      </div>
    );
  }
  if (drafts.data.length === 0) {
    return (
      <div className="p-6">
        <EmptyState title="No drafts">A message you start writing is saved here as you type.</EmptyState>
      </div>
    );
  }
  return (
    <div data-testid="draft-list">
      {discard.isError ? (
        <div className="p-3">
          <Banner tone="danger">{errorMessage(discard.error)}</Banner>
        </div>
      ) : null}
      <ul aria-label="Drafts">
        {drafts.data.map((draft) => {
          const summary = draftSummary(draft);
          const open = draft.id === openDraftId;
          return (
            <li key={draft.id} data-testid="draft-row" className={open ? "flex items-stretch bg-indigo-50" : "flex items-stretch bg-white"}>
              <button
                type="button"
                onClick={() => onOpen(draft)}
                aria-current={open ? "true" : undefined}
                className="flex min-w-0 flex-1 flex-col gap-0.5 border-b border-slate-100 px-4 py-3 text-left hover:bg-slate-50/60 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
              >
                <span className="flex items-baseline justify-between gap-3">
                  <span className="truncate text-sm text-red-700">
                    Draft <span className="text-slate-700">· {summary.recipients}</span>
                  </span>
                  <span className="shrink-0 text-xs tabular-nums text-slate-500">{mailDate(draft.updated_at)}</span>
                </span>
                <span className="truncate text-sm text-slate-900">{summary.title}</span>
                {summary.snippet ? <span className="truncate text-xs text-slate-500">{summary.snippet}</span> : null}
                {draft.server_error ? <span className="truncate text-xs text-amber-800">Not yet in the server’s Drafts: {draft.server_error}</span> : null}
              </button>
              <button
                type="button"
                onClick={() => discard.mutate(draft.id)}
                disabled={discard.isPending && discard.variables === draft.id}
                aria-label={`Discard the draft “${summary.title}”`}
                className="shrink-0 border-b border-slate-100 px-3 text-slate-400 hover:text-red-700 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50"
              >
                ✕
              </button>
            </li>
          );
        })}
      </ul>
      <LoadMore list={drafts} />
    </div>
  );
}
