"use client";

import { useState, type FormEvent } from "react";

import { ApiError } from "@/api/errors";
import type { MailAccountCreate, MailPreset } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";
import { Select } from "@/modules/ui/components/Select";

import { useMailAccountCreate, useMailPresets } from "../hooks/useMailAccounts";

type Security = MailAccountCreate["imap_security"];

const EMPTY: MailAccountCreate = {
  provider: "custom",
  name: "",
  email_address: "",
  username: "",
  password: "",
  imap_host: "",
  imap_port: 993,
  imap_security: "tls",
  smtp_host: "",
  smtp_port: 465,
  smtp_security: "tls",
};

const SERVER_FIELDS = ["imap_host", "imap_port", "imap_security", "smtp_host", "smtp_port", "smtp_security"] as const;
const SHOWN_FIELDS = ["provider", "name", "email_address", "username", "password", ...SERVER_FIELDS];

function withPreset(form: MailAccountCreate, preset: MailPreset | undefined): MailAccountCreate {
  if (!preset) return { ...form, provider: "custom" };
  return {
    ...form,
    provider: preset.key as MailAccountCreate["provider"],
    imap_host: preset.imap_host,
    imap_port: preset.imap_port,
    imap_security: preset.imap_security as Security,
    smtp_host: preset.smtp_host,
    smtp_port: preset.smtp_port,
    smtp_security: preset.smtp_security as Security,
  };
}

function SecuritySelect({ value, onChange, ...rest }: { value: Security; onChange: (value: Security) => void; id?: string; invalid?: boolean }) {
  return (
    <Select value={value} onChange={(event) => onChange(event.target.value as Security)} {...rest}>
      <option value="tls">TLS</option>
      <option value="starttls">STARTTLS</option>
      <option value="none">None (this machine only)</option>
    </Select>
  );
}

type Setter = <K extends keyof MailAccountCreate>(key: K, value: MailAccountCreate[K]) => void;

/** Host, port and security of one server (IMAP or SMTP). */
function ServerFields({ protocol, form, set, fieldError }: { protocol: "imap" | "smtp"; form: MailAccountCreate; set: Setter; fieldError: (name: string) => string | undefined }) {
  const name = protocol.toUpperCase();
  const port = form[`${protocol}_port`];
  return (
    <>
      <Field label={`${name} server`} error={fieldError(`${protocol}_host`)}>
        <Input value={form[`${protocol}_host`]} onChange={(event) => set(`${protocol}_host`, event.target.value)} placeholder={`${protocol}.example.com`} />
      </Field>
      <Field label={`${name} port`} error={fieldError(`${protocol}_port`)}>
        <Input type="number" inputMode="numeric" value={port ?? ""} onChange={(event) => set(`${protocol}_port`, event.target.value ? Number(event.target.value) : null)} />
      </Field>
      <Field label={`${name} security`} error={fieldError(`${protocol}_security`)}>
        <SecuritySelect value={form[`${protocol}_security`]} onChange={(value) => set(`${protocol}_security`, value)} />
      </Field>
    </>
  );
}

/** Connect an IMAP/SMTP mailbox: a provider fills in its servers; both logins are checked before saving. */
export function ConnectMailbox({ onConnected }: { onConnected?: () => void }) {
  const presets = useMailPresets();
  const create = useMailAccountCreate();
  const [form, setForm] = useState<MailAccountCreate>(EMPTY);
  const apiError = create.error instanceof ApiError ? create.error : null;
  const set: Setter = (key, value) => setForm((current) => ({ ...current, [key]: value }));
  const fieldError = (name: string) => apiError?.fieldError(name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = { ...form, name: form.name || form.email_address, username: form.username || form.email_address };
    create.mutate(body, { onSuccess: () => onConnected?.() });
  };

  return (
    <Card title="Connect a mailbox" description="Atrium signs in to your mail server and syncs your folders. Your password is stored encrypted.">
      <form onSubmit={submit} noValidate className="space-y-4" data-testid="connect-mailbox">
        <FormError error={create.error} shownFields={SHOWN_FIELDS} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Provider" error={fieldError("provider")}>
            <Select value={form.provider} onChange={(event) => setForm(withPreset(form, presets.data?.find((preset) => preset.key === event.target.value)))}>
              <option value="custom">Other (IMAP/SMTP)</option>
              {(presets.data ?? []).map((preset) => (
                <option key={preset.key} value={preset.key}>
                  {preset.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Email address" error={fieldError("email_address")}>
            <Input type="email" autoComplete="email" required value={form.email_address} onChange={(event) => set("email_address", event.target.value)} />
          </Field>
          <Field label="Username" hint="Usually the email address." error={fieldError("username")}>
            <Input autoComplete="username" value={form.username} placeholder={form.email_address} onChange={(event) => set("username", event.target.value)} />
          </Field>
          <Field label="Mailbox password" error={fieldError("password")}>
            <Input type="password" autoComplete="current-password" required value={form.password} onChange={(event) => set("password", event.target.value)} />
          </Field>
          <Field label="Display name" hint="Shown in Atrium; the address if left empty." error={fieldError("name")}>
            <Input value={form.name} onChange={(event) => set("name", event.target.value)} />
          </Field>
        </div>
        <fieldset className="grid gap-4 rounded-lg border border-slate-200 p-4 sm:grid-cols-3">
          <legend className="px-1 text-sm font-medium text-slate-800">Servers</legend>
          <ServerFields protocol="imap" form={form} set={set} fieldError={fieldError} />
          <ServerFields protocol="smtp" form={form} set={set} fieldError={fieldError} />
        </fieldset>
        <Button type="submit" loading={create.isPending}>
          Connect mailbox
        </Button>
      </form>
    </Card>
  );
}
