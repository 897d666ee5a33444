"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import { LIST_PAGE_SIZE, useCursorList } from "@/api/pagination";
import type { ApiToken } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

export function useTokens() {
  return useCursorList<ApiToken>(queryKeys.tokens, (cursor) =>
    call(tenantApi.GET("/api/tokens", { params: { query: { page_size: LIST_PAGE_SIZE, cursor } } })),
  );
}

export function useTokenCreate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => call(tenantApi.POST("/api/tokens", { body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
}

export function useTokenRevoke() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.DELETE("/api/tokens/{token_id}", { params: { path: { token_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
}
