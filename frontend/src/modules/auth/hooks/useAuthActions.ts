"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { Me } from "@/api/schemas";

import { queryKeys } from "../api/queryKeys";

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      call(tenantApi.POST("/api/auth/login", { body: credentials })),
    onSuccess: (me: Me) => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (everywhere: boolean) =>
      call(everywhere ? tenantApi.POST("/api/auth/logout-everywhere") : tenantApi.POST("/api/auth/logout")),
    onSuccess: () => {
      queryClient.clear();
      window.location.assign("/login?signed_out=1");
    },
  });
}
