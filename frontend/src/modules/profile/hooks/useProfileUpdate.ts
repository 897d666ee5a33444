"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import type { Me } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

type ProfileChanges = { full_name?: string; current_password?: string; new_password?: string };

/** Changes one's own name or password; a new password ends every other session, this one stays. */
export function useProfileUpdate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: ProfileChanges) => call(tenantApi.PATCH("/api/auth/me", { body: changes })),
    onSuccess: (me: Me) => queryClient.setQueryData(queryKeys.me, me),
  });
}
