"use client";

import { useState, type FormEvent } from "react";

import type { TenantSettings } from "@/api/schemas";
import { ApiError } from "@/api/errors";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";
import { Select } from "@/modules/ui/components/Select";

import { useTenantSettingsUpdate } from "../hooks/useTenantSettings";
import { currencies, timeZones } from "../utils/choices";

export function CompanySettingsForm({ settings }: { settings: TenantSettings }) {
  const update = useTenantSettingsUpdate();
  const [name, setName] = useState(settings.name);
  const [timezone, setTimezone] = useState(settings.timezone);
  const [currency, setCurrency] = useState(settings.currency);
  const error = update.error instanceof ApiError ? update.error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name, timezone, currency });
  };

  return (
    <Card title="Company" description="How your company appears to your team, and the defaults for dates and money.">
      <form className="space-y-5" onSubmit={submit} noValidate>
        {update.isSuccess ? <Banner tone="success">Settings saved.</Banner> : null}
        <FormError error={update.error} shownFields={["name", "timezone", "currency"]} />
        <Field label="Company name" error={error?.fieldError("name")}>
          <Input name="company_name" required value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Time zone" error={error?.fieldError("timezone")}>
            <Select name="timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)}>
              {timeZones(timezone).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll("_", " ")}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Currency" error={error?.fieldError("currency")}>
            <Select name="currency" value={currency} onChange={(event) => setCurrency(event.target.value)}>
              {currencies(currency).map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="flex justify-end">
          <Button type="submit" loading={update.isPending}>
            Save changes
          </Button>
        </div>
      </form>
    </Card>
  );
}
