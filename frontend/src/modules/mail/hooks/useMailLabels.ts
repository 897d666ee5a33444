"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailActionRequest, MailMessageDetail } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";

function detailUpdate(old: MailMessageDetail | undefined, changed: Partial<MailMessageDetail>): MailMessageDetail | undefined {
  return old ? { ...old, ...changed } : old;
}

/** Gmail: add and remove labels of one message (written to Gmail first; a new label becomes a folder at once). */
export function useMailLabelsChange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ messageId, add, remove }: { messageId: number; add: string[]; remove: string[] }) =>
      call(tenantApi.POST("/api/mail/messages/{message_id}/labels", { params: { path: { message_id: messageId } }, body: { add, remove } })),
    onSuccess: (message) => {
      for (const remoteImages of [false, true]) {
        queryClient.setQueryData(mailKeys.message(message.id, remoteImages), (old: MailMessageDetail | undefined) => detailUpdate(old, { labels: message.labels }));
      }
      void queryClient.invalidateQueries({ queryKey: mailKeys.folders(message.account) });
      void queryClient.invalidateQueries({ queryKey: mailKeys.messageLists(message.account) });
    },
  });
}

/** IMAP keywords ("tags") of one message: keyword_add / keyword_remove, written to the server first. */
export function useMailKeywordChange(accountId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ messageId, keyword, add }: { messageId: number; keyword: string; add: boolean }) =>
      call(
        tenantApi.POST("/api/mail/accounts/{account_id}/messages/actions", {
          params: { path: { account_id: accountId } },
          body: { action: add ? "keyword_add" : "keyword_remove", message_ids: [messageId], keyword } satisfies MailActionRequest,
        }),
      ),
    onSuccess: (_job, { messageId, keyword, add }) => {
      for (const remoteImages of [false, true]) {
        queryClient.setQueryData(mailKeys.message(messageId, remoteImages), (old: MailMessageDetail | undefined) =>
          detailUpdate(old, { flags: add ? [...new Set([...(old?.flags ?? []), keyword])] : (old?.flags ?? []).filter((flag) => flag !== keyword) }),
        );
      }
      void queryClient.invalidateQueries({ queryKey: mailKeys.messageLists(accountId) });
    },
  });
}

/** Gmail labels as folders: create, rename (on every message carrying it) and delete (the messages stay). */
export function useLabelFolderCreate(accountId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      call(tenantApi.POST("/api/mail/accounts/{account_id}/folders", { params: { path: { account_id: accountId } }, body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKeys.folders(accountId) }),
  });
}

export function useLabelFolderRename() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ folderId, name }: { folderId: number; name: string }) =>
      call(tenantApi.PATCH("/api/mail/folders/{folder_id}", { params: { path: { folder_id: folderId } }, body: { name } })),
    // Every stored message carrying the label now carries the new name: messages and folders both change.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKeys.all }),
  });
}

export function useLabelFolderDelete() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (folderId: number) => call(tenantApi.DELETE("/api/mail/folders/{folder_id}", { params: { path: { folder_id: folderId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKeys.all }),
  });
}
