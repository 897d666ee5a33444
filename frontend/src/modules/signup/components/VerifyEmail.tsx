"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { call, publicApi } from "@/api/client";
import { errorMessage } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Spinner } from "@/modules/ui/components/Spinner";

/** Confirms the owner's email with the token from the link, then sends them signed in to their company. */
export function VerifyEmail() {
  const started = useRef(false);
  const verify = useMutation({
    mutationFn: (token: string) => call(publicApi.POST("/api/signup/verify", { body: { token } })),
    onSuccess: (verified) => window.location.replace(verified.login_url),
  });

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    verify.mutate(new URLSearchParams(window.location.search).get("token") ?? "");
  }, [verify]);

  if (verify.isError) {
    return (
      <div className="space-y-4">
        <Banner tone="danger" title="We couldn't confirm your email">
          {errorMessage(verify.error)}
        </Banner>
        <p className="text-center text-sm text-slate-600">
          Already confirmed? Sign in at your company's address. New here? <Link className="font-medium text-indigo-700 hover:underline" href="/signup">Sign up</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="flex flex-col items-center gap-3 py-6 text-center">
      <Spinner label="Confirming your email" />
      <p className="text-sm text-slate-600">{verify.isSuccess ? "Confirmed. Taking you to your company…" : "Confirming your email…"}</p>
    </div>
  );
}
