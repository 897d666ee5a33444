"use client";

import { useState, type FormEvent } from "react";

import type { MailAccountCreate, MailPreset } from "@/api/schemas";
import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";
import { Select } from "@/modules/ui/components/Select";

import { useMailAccountConnect, useMailPresets } from "../hooks/useMailAdmin";
import { connectFieldErrors } from "../utils/credentialErrors";

type Security = MailAccountCreate["imap_security"];
type Form = Omit<MailAccountCreate, "imap_port" | "smtp_port"> & { imap_port: string; smtp_port: string };

const SHOWN_FIELDS = ["name", "email_address", "username", "password", "provider", "imap_host", "imap_port", "imap_security", "smtp_host", "smtp_port", "smtp_security"];
const SECURITY_CHOICES: { value: Security; label: string }[] = [
  { value: "tls", label: "TLS" },
  { value: "starttls", label: "STARTTLS" },
  { value: "none", label: "None (this machine only)" },
];

const EMPTY: Form = {
  name: "", email_address: "", username: "", password: "", provider: "custom",
  imap_host: "", imap_port: "993", imap_security: "tls", smtp_host: "", smtp_port: "465", smtp_security: "tls",
};

function withPreset(form: Form, preset: MailPreset | undefined): Form {
  if (!preset) return { ...form, provider: "custom" };
  return {
    ...form,
    provider: preset.key as Form["provider"],
    imap_host: preset.imap_host, imap_port: String(preset.imap_port), imap_security: preset.imap_security as Security,
    smtp_host: preset.smtp_host, smtp_port: String(preset.smtp_port), smtp_security: preset.smtp_security as Security,
  };
}

/** Connects an IMAP/SMTP mailbox; a provider fills in the servers, and a refusal shows next to its field. */
export function ConnectMailboxForm({ onDone }: { onDone: () => void }) {
  const presets = useMailPresets();
  const connect = useMailAccountConnect();
  const [form, setForm] = useState<Form>(EMPTY);
  const errors = connect.error instanceof ApiError ? connectFieldErrors(connect.error) : {};
  const set = (field: keyof Form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate(
      { ...form, username: form.username || form.email_address, imap_port: Number(form.imap_port) || null, smtp_port: Number(form.smtp_port) || null },
      { onSuccess: onDone },
    );
  };

  return (
    <Card title="Connect a mailbox" description="Atrium signs in to the IMAP and SMTP servers first; nothing is saved unless both accept.">
      <form className="space-y-5" onSubmit={submit} noValidate>
        {connect.error ? <FormError error={connect.error} shownFields={SHOWN_FIELDS} /> : null}
        <Field label="Provider" hint="Gmail, Outlook and Yahoo need an app password here.">
          <Select name="provider" value={form.provider} onChange={(event) => setForm((current) => withPreset(current, presets.data?.find((preset) => preset.key === event.target.value)))}>
            <option value="custom">Other (IMAP/SMTP)</option>
            {(presets.data ?? []).map((preset) => (
              <option key={preset.key} value={preset.key}>{preset.label}</option>
            ))}
          </Select>
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Mailbox name" error={errors.name}>
            <Input name="name" value={form.name} onChange={set("name")} placeholder="Sales" />
          </Field>
          <Field label="Email address" error={errors.email_address}>
            <Input name="email_address" type="email" value={form.email_address} onChange={set("email_address")} />
          </Field>
          <Field label="Username" hint="Usually the email address." error={errors.username}>
            <Input name="username" value={form.username} onChange={set("username")} placeholder={form.email_address} />
          </Field>
          <Field label="Mailbox password" error={errors.password}>
            <Input name="password" type="password" autoComplete="off" value={form.password} onChange={set("password")} />
          </Field>
        </div>
        {(["imap", "smtp"] as const).map((server) => (
          <fieldset key={server} className="grid gap-5 rounded-lg border border-slate-200 p-4 sm:grid-cols-3">
            <legend className="px-1 text-sm font-medium text-slate-700">{server === "imap" ? "Incoming (IMAP)" : "Outgoing (SMTP)"}</legend>
            <Field label={`${server.toUpperCase()} server`} error={errors[`${server}_host`]}>
              <Input name={`${server}_host`} value={form[`${server}_host`]} onChange={set(`${server}_host`)} />
            </Field>
            <Field label={`${server.toUpperCase()} port`} error={errors[`${server}_port`]}>
              <Input name={`${server}_port`} inputMode="numeric" value={form[`${server}_port`]} onChange={set(`${server}_port`)} />
            </Field>
            <Field label={`${server.toUpperCase()} security`} error={errors[`${server}_security`]}>
              <Select name={`${server}_security`} value={form[`${server}_security`]} onChange={set(`${server}_security`)}>
                {SECURITY_CHOICES.map((choice) => (
                  <option key={choice.value} value={choice.value}>{choice.label}</option>
                ))}
              </Select>
            </Field>
          </fieldset>
        ))}
        {connect.isSuccess ? <Banner tone="success">Mailbox connected; its mail is syncing.</Banner> : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={connect.isPending}>Test and connect</Button>
        </div>
      </form>
    </Card>
  );
}
