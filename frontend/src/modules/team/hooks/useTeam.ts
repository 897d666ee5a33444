"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import { call, tenantApi } from "@/api/client";
import { LIST_PAGE_SIZE, useCursorList } from "@/api/pagination";
import type { Invitation, Role, User } from "@/api/schemas";

import { queryKeys } from "../../auth/api/queryKeys";

export function useUsers() {
  return useCursorList<User>(queryKeys.users, (cursor) =>
    call(tenantApi.GET("/api/users", { params: { query: { page_size: LIST_PAGE_SIZE, cursor } } })),
  );
}

export function useUserUpdate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: number; changes: { role?: Role; is_active?: boolean } }) =>
      call(tenantApi.PATCH("/api/users/{user_id}", { params: { path: { user_id: id } }, body: changes })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
      void queryClient.invalidateQueries({ queryKey: queryKeys.billing });
    },
  });
}

export function useUserDeactivate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.DELETE("/api/users/{user_id}", { params: { path: { user_id: id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
      void queryClient.invalidateQueries({ queryKey: queryKeys.billing });
    },
  });
}

export function useInvitations() {
  return useCursorList<Invitation>(queryKeys.invitations, (cursor) =>
    call(tenantApi.GET("/api/invitations", { params: { query: { page_size: LIST_PAGE_SIZE, cursor } } })),
  );
}

export function useInvitationCreate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invite: { email: string; role: Role }) => call(tenantApi.POST("/api/invitations", { body: invite })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations }),
  });
}

export function useInvitationRevoke() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => call(tenantApi.DELETE("/api/invitations/{invitation_id}", { params: { path: { invitation_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations }),
  });
}
