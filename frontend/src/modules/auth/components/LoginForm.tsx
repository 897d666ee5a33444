"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { ApiError } from "@/api/errors";
import { safeNextPath } from "@/lib/safeRedirect";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { useSearchParam } from "../../site/hooks/useSearchParam";
import { useLogin } from "../hooks/useAuthActions";
import { AuthLayout } from "./AuthLayout";

export function LoginForm() {
  const router = useRouter();
  const login = useLogin();
  const next = useSearchParam("next");
  const signedOut = useSearchParam("signed_out");
  const passwordReset = useSearchParam("password_reset");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const error = login.error instanceof ApiError ? login.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => router.replace(safeNextPath(next)) });
  };

  return (
    <AuthLayout title="Sign in" footer={<Link className="font-medium text-indigo-700 hover:underline" href="/password-reset">Forgot your password?</Link>}>
      <form className="space-y-5" onSubmit={submit} noValidate>
        {signedOut ? <Banner tone="success">You are signed out.</Banner> : null}
        {passwordReset ? <Banner tone="success">Your password is changed. Sign in with the new one.</Banner> : null}
        <FormError error={login.error} shownFields={["email", "password"]} />
        <Field label="Email" error={error?.fieldError("email")}>
          <Input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(event) => setEmail(event.target.value)} />
        </Field>
        <Field label="Password" error={error?.fieldError("password")}>
          <Input type="password" name="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </Field>
        <Button type="submit" className="w-full" loading={login.isPending}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
