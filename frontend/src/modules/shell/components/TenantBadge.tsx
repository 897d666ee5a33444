"use client";

import { useTenantSettings } from "../../company/hooks/useTenantSettings";

export function TenantBadge() {
  const settings = useTenantSettings();
  const name = settings.data?.name ?? "";
  const initial = name.trim().charAt(0).toUpperCase() || "·";
  return (
    <div className="flex min-w-0 items-center gap-3">
      {settings.data?.logo_url ? (
        // eslint-disable-next-line @next/next/no-img-element -- the logo is the company's upload, served as is
        <img src={settings.data.logo_url} alt="" className="h-9 w-9 shrink-0 rounded-lg border border-slate-200 bg-white object-contain" />
      ) : (
        <span aria-hidden="true" className="flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-indigo-600 text-sm font-semibold text-white">
          {initial}
        </span>
      )}
      <span className="truncate text-sm font-semibold text-slate-900" data-testid="tenant-name">
        {settings.isPending ? <span className="inline-block h-4 w-24 animate-pulse rounded bg-slate-200" /> : name}
      </span>
    </div>
  );
}
