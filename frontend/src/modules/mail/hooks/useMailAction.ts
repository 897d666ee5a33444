"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailAction } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";

export type ActionInput = { action: MailAction; messageIds: number[]; folderId?: number };

/** Archive, delete (to Trash), restore, move, read/unread, flag on a selection; written to the server first. */
export function useMailAction(accountId: number | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, messageIds, folderId }: ActionInput) =>
      call(
        tenantApi.POST("/api/mail/accounts/{account_id}/messages/actions", {
          params: { path: { account_id: accountId ?? 0 } },
          body: { action, message_ids: messageIds, ...(folderId ? { folder: folderId } : {}) },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mailKeys.all }),
  });
}
