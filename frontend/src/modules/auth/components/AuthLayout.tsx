"use client";

import type { ReactNode } from "react";

import { BASE_DOMAIN, companySubdomain } from "@/lib/host";
import { LogoMark } from "@/modules/ui/components/LogoMark";

import { useBrand } from "../../company/hooks/useBrand";
import { useIsClient } from "../../site/hooks/useSearchParam";

/** The centred page of every signed-out screen of a company's portal. */
export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const isClient = useIsClient();
  const subdomain = isClient ? companySubdomain(window.location.hostname, BASE_DOMAIN) : null;
  const hostname = isClient ? window.location.hostname : "";
  const brand = useBrand(Boolean(subdomain));
  const logoUrl = brand.data?.logo_url;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-slate-50 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          {logoUrl ? (
            // eslint-disable-next-line @next/next/no-img-element -- a static export has no image optimizer
            <img data-testid="company-logo" src={logoUrl} alt={`${brand.data?.name ?? "Company"} logo`} className="h-12 max-w-40 object-contain" />
          ) : (
            <LogoMark className="h-10 w-10" />
          )}
          <p className="mt-3 text-sm font-medium text-slate-500">{brand.data ? `${brand.data.name} on Atrium` : subdomain ? `${subdomain} on Atrium` : hostname || "Atrium"}</p>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
          {subtitle ? <p className="mt-2 text-sm text-slate-600">{subtitle}</p> : null}
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
        {footer ? <div className="mt-6 text-center text-sm text-slate-600">{footer}</div> : null}
      </div>
    </main>
  );
}
