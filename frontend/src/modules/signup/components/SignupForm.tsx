"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { call, publicApi } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { SignupRequest } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { useSearchParam } from "../../site/hooks/useSearchParam";
import { subdomainSuggest } from "../utils/subdomain";
import { SubdomainField } from "./SubdomainField";

const FIELDS = ["company_name", "subdomain", "full_name", "email", "password", "plan"] as const;

export function SignupForm() {
  const plan = useSearchParam("plan");
  const [companyName, setCompanyName] = useState("");
  const [subdomain, setSubdomain] = useState("");
  const [subdomainEdited, setSubdomainEdited] = useState(false);
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signup = useMutation({
    mutationFn: (body: SignupRequest) => call(publicApi.POST("/api/signup", { body })),
  });
  const error = signup.error instanceof ApiError ? signup.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate({ company_name: companyName, subdomain, full_name: fullName, email, password, plan: plan ?? "" });
  };

  if (signup.isSuccess) {
    return (
      <div data-testid="signup-done" className="space-y-3 text-center">
        <div aria-hidden="true" className="mx-auto flex h-12 w-12 items-center justify-center rounded-full bg-emerald-100 text-2xl">✉</div>
        <h2 className="text-lg font-semibold text-slate-900">Check your email</h2>
        <p className="text-sm text-slate-600">
          {signup.data.hostname} is ready. We sent a link to <strong>{email}</strong>: open it to confirm your address and sign in.
        </p>
      </div>
    );
  }

  return (
    <form className="space-y-5" onSubmit={submit} noValidate>
      <FormError error={signup.error} shownFields={FIELDS} />
      {plan ? <Banner tone="info">You're starting with the {plan} plan.</Banner> : null}
      <Field label="Company name" error={error?.fieldError("company_name")}>
        <Input
          name="company_name"
          autoComplete="organization"
          required
          autoFocus
          value={companyName}
          onChange={(event) => {
            setCompanyName(event.target.value);
            if (!subdomainEdited) setSubdomain(subdomainSuggest(event.target.value));
          }}
        />
      </Field>
      <SubdomainField
        value={subdomain}
        error={error?.fieldError("subdomain")}
        onChange={(value) => {
          setSubdomainEdited(true);
          setSubdomain(value);
        }}
      />
      <Field label="Your name" error={error?.fieldError("full_name")}>
        <Input name="full_name" autoComplete="name" value={fullName} onChange={(event) => setFullName(event.target.value)} />
      </Field>
      <Field label="Work email" error={error?.fieldError("email")}>
        <Input type="email" name="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
      </Field>
      <Field label="Password" hint="At least 10 characters; not a common password." error={error?.fieldError("password")}>
        <Input type="password" name="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
      </Field>
      <Button type="submit" size="lg" className="w-full" loading={signup.isPending}>
        Create my company
      </Button>
      <p className="text-center text-xs text-slate-500">Free trial, no card needed. Cancel any time.</p>
    </form>
  );
}
