"use client";

import { Field } from "@/modules/ui/components/Field";

import { SubdomainInput } from "./SubdomainInput";
import { SubdomainStatus } from "./SubdomainStatus";

export function SubdomainField({ value, onChange, error }: { value: string; onChange: (value: string) => void; error?: string }) {
  return (
    <Field label="Your company's address" error={error} hint={<span aria-live="polite"><SubdomainStatus subdomain={value} /></span>}>
      <SubdomainInput value={value} onChange={onChange} />
    </Field>
  );
}

