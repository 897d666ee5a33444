"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { call, tenantApi } from "@/api/client";
import type { OutboxCreate } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";

/** Changes this close together are one save; the server folds quick saves into one APPEND as well. */
export const AUTOSAVE_DELAY_MS = 1_500;

export type DraftState = "idle" | "saving" | "saved" | "error";

function draftBody(request: OutboxCreate) {
  // The draft keeps exactly what was typed; the quote of the source message is added when it is sent.
  const { send_at: _sendAt, ...compose } = request;
  return { ...compose, quote: false };
}

/**
 * Saves the composer's content as a draft (created on the first change, then updated), debounced; a draft
 * reopened from the list (`savedDraftId`) is updated in place. `remove` discards it (after sending, or when the
 * user discards the message).
 */
export function useDraftAutosave(accountId: number, request: OutboxCreate, changed: boolean, savedDraftId: number | null = null) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<DraftState>("idle");
  const draftId = useRef<number | null>(savedDraftId);
  const listRefresh = () => void queryClient.invalidateQueries({ queryKey: mailKeys.drafts(accountId) });
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const serialized = JSON.stringify(draftBody(request));

  useEffect(() => {
    if (!changed) return;
    const timer = window.setTimeout(() => {
      setState("saving");
      const body = JSON.parse(serialized) as ReturnType<typeof draftBody>;
      saving.current = saving.current
        .then(async () => {
          if (draftId.current === null) {
            const draft = await call(tenantApi.POST("/api/mail/accounts/{account_id}/drafts", { params: { path: { account_id: accountId } }, body }));
            draftId.current = draft.id;
          } else {
            await call(tenantApi.PUT("/api/mail/drafts/{draft_id}", { params: { path: { draft_id: draftId.current } }, body }));
          }
          setState("saved");
          listRefresh();
        })
        .catch(() => setState("error"));
    }, AUTOSAVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [accountId, serialized, changed]);

  const remove = async () => {
    await saving.current;
    if (draftId.current === null) return;
    const id = draftId.current;
    draftId.current = null;
    await call(tenantApi.DELETE("/api/mail/drafts/{draft_id}", { params: { path: { draft_id: id } } })).catch(() => undefined);
    listRefresh();
  };

  return { state, remove };
}
