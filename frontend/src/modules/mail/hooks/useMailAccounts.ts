"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { MailAccount, MailAccountCreate, MailPreset } from "@/api/schemas";

import { mailKeys } from "../api/queryKeys";
import { isSyncing } from "../utils/format";

/** While an account syncs its progress is polled every 2 s; otherwise every 30 s (status, new accounts). */
export const SYNC_POLL_MS = 2_000;
export const IDLE_POLL_MS = 30_000;

export function useMailAccounts() {
  return useQuery<MailAccount[]>({
    queryKey: mailKeys.accounts,
    queryFn: () => call(tenantApi.GET("/api/mail/accounts")),
    refetchInterval: (query) => (query.state.data?.some((account) => isSyncing(account.sync)) ? SYNC_POLL_MS : IDLE_POLL_MS),
  });
}

export function useMailPresets() {
  return useQuery<MailPreset[]>({
    queryKey: mailKeys.presets,
    queryFn: () => call(tenantApi.GET("/api/mail/presets")),
    staleTime: Infinity,
  });
}

export function useMailAccountCreate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MailAccountCreate) => call(tenantApi.POST("/api/mail/accounts", { body })),
    onSuccess: (account) => {
      queryClient.setQueryData<MailAccount[]>(mailKeys.accounts, (accounts) => [...(accounts ?? []), account]);
      void queryClient.invalidateQueries({ queryKey: mailKeys.accounts });
    },
  });
}

export function useMailSyncRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (accountId: number) =>
      call(tenantApi.POST("/api/mail/accounts/{account_id}/sync", { params: { path: { account_id: accountId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mailKeys.all }),
  });
}
