"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import { LIST_PAGE_SIZE, useCursorList } from "@/api/pagination";
import type { MailAccountAdmin, MailAccountCreate, MailOAuthConnect, MailOAuthProvider, MailPreset } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

export function useAdminMailAccounts() {
  return useCursorList<MailAccountAdmin>(queryKeys.mailAdminAccounts, (cursor) =>
    call(tenantApi.GET("/api/mail/admin/accounts", { params: { query: { page_size: LIST_PAGE_SIZE, cursor } } })),
  );
}

export function useMailPresets() {
  return useQuery<MailPreset[]>({
    queryKey: queryKeys.mailPresets,
    queryFn: () => call(tenantApi.GET("/api/mail/presets")),
    staleTime: Infinity,
  });
}

function useAfterChange() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.mailAdminAccounts });
    void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
  };
}

export function useMailAccountRetest() {
  const changed = useAfterChange();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.POST("/api/mail/admin/accounts/{account_id}/test", { params: { path: { account_id: id } } })),
    onSuccess: changed,
  });
}

export function useMailAccountShare() {
  const changed = useAfterChange();
  return useMutation({
    mutationFn: ({ id, userIds }: { id: number; userIds: number[] }) =>
      call(tenantApi.PUT("/api/mail/admin/accounts/{account_id}/share", { params: { path: { account_id: id } }, body: { user_ids: userIds } })),
    onSuccess: changed,
  });
}

export function useMailAccountDelete() {
  const changed = useAfterChange();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.DELETE("/api/mail/admin/accounts/{account_id}", { params: { path: { account_id: id } } })),
    onSuccess: changed,
  });
}

/** Connects a mailbox as the signed-in admin's own; the server checks IMAP login and SMTP AUTH first. */
export function useMailAccountConnect() {
  const changed = useAfterChange();
  return useMutation({
    mutationFn: (account: MailAccountCreate) => call(tenantApi.POST("/api/mail/accounts", { body: account })),
    onSuccess: changed,
  });
}

/** The OAuth2 providers this server is configured for; only these get a "Connect with ..." button. */
export function useMailOAuthProviders() {
  return useQuery<MailOAuthProvider[]>({
    queryKey: queryKeys.mailOAuthProviders,
    queryFn: () => call(tenantApi.GET("/api/mail/oauth/providers")),
    staleTime: Infinity,
  });
}

/** Starts the provider's sign-in for a new mailbox and sends the browser there; it comes back connected. */
export function useMailOAuthConnect() {
  return useMutation({
    mutationFn: (start: MailOAuthConnect) => call(tenantApi.POST("/api/mail/oauth/connect", { body: start })),
    onSuccess: ({ authorize_url }) => window.location.assign(authorize_url),
  });
}
