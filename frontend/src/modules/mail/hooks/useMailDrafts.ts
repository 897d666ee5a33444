"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import { useCursorList } from "@/api/pagination";
import type { MailDraft } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";

const PAGE_SIZE = 50;

/** My saved drafts in the account, last changed first (a keyset page at a time). */
export function useMailDrafts(accountId: number) {
  return useCursorList<MailDraft>(mailKeys.drafts(accountId), (cursor) =>
    call(
      tenantApi.GET("/api/mail/accounts/{account_id}/drafts", {
        params: { path: { account_id: accountId }, query: { page_size: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
}

/** Refreshes the drafts list after a draft was saved, sent or discarded. */
export function useDraftsRefresh(accountId: number) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: mailKeys.drafts(accountId) });
}

/** Discard a saved draft (also from the server's Drafts folder). */
export function useDraftDiscard(accountId: number) {
  const refresh = useDraftsRefresh(accountId);
  return useMutation({
    mutationFn: (draftId: number) => call(tenantApi.DELETE("/api/mail/drafts/{draft_id}", { params: { path: { draft_id: draftId } } })),
    onSettled: refresh,
  });
}
