"use client";

import { useState, type FormEvent } from "react";

import { ApiError } from "@/api/errors";
import type { MailOAuthConnect } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { useMailOAuthConnect, useMailOAuthProviders } from "../hooks/useMailAdmin";

/** "Connect Google / Microsoft / Yahoo" for the providers the server is configured for; none, no card. */
export function OAuthConnectCard() {
  const providers = useMailOAuthProviders();
  const connect = useMailOAuthConnect();
  const [provider, setProvider] = useState<MailOAuthConnect["provider"] | null>(null);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const error = connect.error instanceof ApiError ? connect.error : null;
  if (!providers.data || providers.data.length === 0) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!provider) return;
    // The name is optional: left out, the account is named after its address. The API refuses a blank one, while
    // the schema lists it as required (it has a default), hence the cast.
    connect.mutate({ provider, email_address: email, ...(name.trim() ? { name: name.trim() } : {}) } as MailOAuthConnect);
  };

  return (
    <Card title="Sign in with your provider" description="No app password needed: the provider asks you to allow Atrium, then sends you back here.">
      <div className="flex flex-wrap gap-2">
        {providers.data.map((item) => (
          <Button key={item.key} variant={provider === item.key ? "primary" : "secondary"} onClick={() => setProvider(item.key as MailOAuthConnect["provider"])}>
            Connect {item.label}
          </Button>
        ))}
      </div>
      {provider ? (
        <form className="mt-4 flex flex-wrap items-end gap-3" onSubmit={submit} noValidate>
          <div className="min-w-64 flex-1">
            <Field label="Email address to connect" error={error?.fieldError("email_address")}>
              <Input name="oauth_email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} />
            </Field>
          </div>
          <div className="min-w-48 flex-1">
            <Field label="Mailbox name (optional)" error={error?.fieldError("name")}>
              <Input name="oauth_name" value={name} onChange={(event) => setName(event.target.value)} placeholder="Sales" />
            </Field>
          </div>
          <Button type="submit" loading={connect.isPending}>Continue</Button>
        </form>
      ) : null}
      {connect.error ? (
        <div className="mt-3">
          <FormError error={connect.error} shownFields={["email_address", "name"]} />
        </div>
      ) : null}
    </Card>
  );
}
