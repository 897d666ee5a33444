"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi, uploadForm } from "@/api/client";
import type { TenantSettings, TenantSettingsUpdate } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

export function useTenantSettings() {
  return useQuery<TenantSettings>({
    queryKey: queryKeys.settings,
    queryFn: () => call(tenantApi.GET("/api/settings")),
  });
}

export function useTenantSettingsUpdate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: TenantSettingsUpdate) => call(tenantApi.PATCH("/api/settings", { body: changes })),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings, settings),
  });
}

export function useLogoUpload() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("logo", file);
      return uploadForm<TenantSettings>("/api/settings/logo", "PUT", form);
    },
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings, settings),
  });
}

export function useLogoRemove() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(tenantApi.DELETE("/api/settings/logo")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.settings }),
  });
}
