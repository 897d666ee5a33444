"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { call, tenantApi } from "@/api/client";
import { errorMessage } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Spinner } from "@/modules/ui/components/Spinner";

import { queryKeys } from "../api/queryKeys";
import { AuthLayout } from "./AuthLayout";

/** Reads the one-time login from the fragment (#token=..., never sent to servers or logs) and redeems it. */
export function HandoffPage() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const started = useRef(false);
  const redeem = useMutation({
    mutationFn: (token: string) => call(tenantApi.POST("/api/auth/handoff", { body: { token } })),
    onSuccess: (me) => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
      router.replace("/?welcome=1");
    },
  });

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
    window.history.replaceState(null, "", window.location.pathname);
    redeem.mutate(token);
  }, [redeem]);

  return (
    <AuthLayout title="Signing you in">
      {redeem.isError ? (
        <div className="space-y-4">
          <Banner tone="danger">{errorMessage(redeem.error)}</Banner>
          <Link className="block text-center text-sm font-medium text-indigo-700 hover:underline" href="/login">
            Go to sign in
          </Link>
        </div>
      ) : (
        <div className="flex justify-center py-4">
          <Spinner label="Signing you in" />
        </div>
      )}
    </AuthLayout>
  );
}
