"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, csrfHeaders, tenantApi } from "@/api/client";
import { apiErrorFrom, networkError } from "@/api/errors";
import type { MailUpload, OutboxCreate } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";

/** Queue a message in the outbox; it leaves when the undo window (or the scheduled time) has passed. */
export function useMailSend(accountId: number | null) {
  return useMutation({
    mutationFn: (body: OutboxCreate) =>
      call(tenantApi.POST("/api/mail/accounts/{account_id}/outbox", { params: { path: { account_id: accountId ?? 0 } }, body })),
  });
}

export function useMailSendUndo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (outgoingId: number) => call(tenantApi.POST("/api/mail/outbox/{outgoing_id}/undo", { params: { path: { outgoing_id: outgoingId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKeys.all }),
  });
}

/** Upload one attachment as the raw body, reporting progress (0–1); XHR because fetch reports no upload progress. */
export async function attachmentUpload(file: File, onProgress: (fraction: number) => void): Promise<MailUpload> {
  const headers = await csrfHeaders("POST");
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/mail/uploads?filename=${encodeURIComponent(file.name)}`);
    request.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(networkError());
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status === 201) resolve(body as MailUpload);
      else reject(apiErrorFrom(request.status, body));
    };
    request.send(file);
  });
}
