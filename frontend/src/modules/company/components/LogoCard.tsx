"use client";

import { useRef } from "react";

import type { TenantSettings } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { FormError } from "@/modules/ui/components/FormError";

import { useLogoRemove, useLogoUpload } from "../hooks/useTenantSettings";

export function LogoCard({ settings }: { settings: TenantSettings }) {
  const input = useRef<HTMLInputElement>(null);
  const upload = useLogoUpload();
  const remove = useLogoRemove();
  const failure = upload.error ?? remove.error;

  return (
    <Card title="Logo" description="PNG, JPEG or WebP. Shown in the navigation and on documents.">
      <div className="flex flex-wrap items-center gap-5">
        <div className="flex h-20 w-20 items-center justify-center overflow-hidden rounded-xl border border-slate-200 bg-slate-50">
          {settings.logo_url ? (
            // eslint-disable-next-line @next/next/no-img-element -- the company's own upload
            <img src={settings.logo_url} alt={`${settings.name} logo`} className="h-full w-full object-contain" data-testid="logo-preview" />
          ) : (
            <span className="text-xs text-slate-400">No logo</span>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <input
            ref={input}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            className="sr-only"
            aria-label="Logo file"
            data-testid="logo-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) upload.mutate(file);
              event.target.value = "";
            }}
          />
          <Button variant="secondary" loading={upload.isPending} onClick={() => input.current?.click()}>
            {settings.logo_url ? "Replace logo" : "Upload logo"}
          </Button>
          {settings.logo_url ? (
            <Button variant="ghost" loading={remove.isPending} onClick={() => remove.mutate()}>
              Remove
            </Button>
          ) : null}
        </div>
      </div>
      {failure ? (
        <div className="mt-4">
          <FormError error={failure} />
        </div>
      ) : null}
      {upload.isSuccess ? (
        <div className="mt-4">
          <Banner tone="success">Logo updated.</Banner>
        </div>
      ) : null}
    </Card>
  );
}
