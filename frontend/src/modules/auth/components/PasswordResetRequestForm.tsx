"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { call, tenantApi } from "@/api/client";
import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { AuthLayout } from "./AuthLayout";

export function PasswordResetRequestForm() {
  const [email, setEmail] = useState("");
  const request = useMutation({
    mutationFn: (address: string) => call(tenantApi.POST("/api/auth/password-reset", { body: { email: address } })),
  });
  const error = request.error instanceof ApiError ? request.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(email);
  };

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="We'll email you a link to choose a new one."
      footer={<Link className="font-medium text-indigo-700 hover:underline" href="/login">Back to sign in</Link>}
    >
      {request.isSuccess ? (
        <Banner tone="success" title="Check your inbox">
          If {email} belongs to an account here, a reset link is on its way. It works once and expires soon.
        </Banner>
      ) : (
        <form className="space-y-5" onSubmit={submit} noValidate>
          <FormError error={request.error} shownFields={["email"]} />
          <Field label="Email" error={error?.fieldError("email")}>
            <Input type="email" name="email" autoComplete="email" required autoFocus value={email} onChange={(event) => setEmail(event.target.value)} />
          </Field>
          <Button type="submit" className="w-full" loading={request.isPending}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
