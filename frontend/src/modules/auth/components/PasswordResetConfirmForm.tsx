"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
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
import { AuthLayout } from "./AuthLayout";

export function PasswordResetConfirmForm() {
  const router = useRouter();
  const isClient = useIsClient();
  const uid = useSearchParam("uid");
  const token = useSearchParam("token");
  const [password, setPassword] = useState("");
  const confirm = useMutation({
    mutationFn: (newPassword: string) =>
      call(tenantApi.POST("/api/auth/password-reset/confirm", { body: { uid: uid ?? "", token: token ?? "", new_password: newPassword } })),
    onSuccess: () => router.replace("/login?password_reset=1"),
  });
  const error = confirm.error instanceof ApiError ? confirm.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(password);
  };

  let body;
  if (!isClient) body = <Spinner />;
  else if (!uid || !token)
    body = (
      <Banner tone="danger" title="This link is incomplete">
        Open the link from the email again, or <Link className="underline" href="/password-reset">ask for a new one</Link>.
      </Banner>
    );
  else
    body = (
      <form className="space-y-5" onSubmit={submit} noValidate>
        <FormError error={confirm.error} shownFields={["new_password"]} />
        <Field label="New password" hint="At least 10 characters; not a common password." error={error?.fieldError("new_password")}>
          <Input type="password" name="new_password" autoComplete="new-password" required autoFocus value={password} onChange={(event) => setPassword(event.target.value)} />
        </Field>
        <Button type="submit" className="w-full" loading={confirm.isPending}>
          Set new password
        </Button>
      </form>
    );

  return (
    <AuthLayout title="Choose a new password" footer={<Link className="font-medium text-indigo-700 hover:underline" href="/login">Back to sign in</Link>}>
      {body}
    </AuthLayout>
  );
}
