"use client";

import { BASE_DOMAIN } from "@/lib/host";
import { Input } from "@/modules/ui/components/Input";

export function SubdomainInput({ value, onChange, ...rest }: { value: string; onChange: (value: string) => void; id?: string; invalid?: boolean; "aria-describedby"?: string }) {
  return (
    <div className="flex items-stretch">
      <Input
        {...rest}
        name="subdomain"
        autoComplete="off"
        spellCheck={false}
        className="rounded-r-none"
        value={value}
        onChange={(event) => onChange(event.target.value.toLowerCase().trim())}
      />
      <span className="inline-flex items-center rounded-r-lg border border-l-0 border-slate-300 bg-slate-50 px-3 text-sm text-slate-500">.{BASE_DOMAIN}</span>
    </div>
  );
}
