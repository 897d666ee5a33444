"use client";

import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { call, tenantApi } from "@/api/client";
import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useIsClient, useSearchParam } from "../../site/hooks/useSearchParam";
import { queryKeys } from "../api/queryKeys";
import { AuthLayout } from "./AuthLayout";

export function InviteAcceptForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const isClient = useIsClient();
  const token = useSearchParam("token");
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const accept = useMutation({
    mutationFn: () => call(tenantApi.POST("/api/invitations/accept", { body: { token: token ?? "", full_name: fullName, password } })),
    onSuccess: (me) => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
      router.replace("/");
    },
  });
  const error = accept.error instanceof ApiError ? accept.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate();
  };

  let body;
  if (!isClient) body = <Spinner />;
  else if (!token)
    body = (
      <Banner tone="danger" title="This invitation link is incomplete">
        Open the link from the invitation email again, or ask whoever invited you to send a new one.
      </Banner>
    );
  else
    body = (
      <form className="space-y-5" onSubmit={submit} noValidate>
        <FormError error={accept.error} shownFields={["full_name", "password"]} />
        <Field label="Your name" error={error?.fieldError("full_name")}>
          <Input name="full_name" autoComplete="name" required autoFocus value={fullName} onChange={(event) => setFullName(event.target.value)} />
        </Field>
        <Field label="Choose a password" hint="At least 10 characters; not a common password." error={error?.fieldError("password")}>
          <Input type="password" name="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </Field>
        <Button type="submit" className="w-full" loading={accept.isPending}>
          Join the team
        </Button>
      </form>
    );

  return (
    <AuthLayout title="You're invited" subtitle="Set up your account to join your team on Atrium.">
      {body}
    </AuthLayout>
  );
}
