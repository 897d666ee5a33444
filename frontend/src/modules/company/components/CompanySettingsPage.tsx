"use client";

import { ErrorState } from "@/modules/ui/components/ErrorState";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useTenantSettings } from "../hooks/useTenantSettings";
import { CompanySettingsForm } from "./CompanySettingsForm";
import { LogoCard } from "./LogoCard";

export function CompanySettingsPage() {
  const settings = useTenantSettings();
  return (
    <>
      <PageHeader title="Company settings" />
      {settings.isPending ? (
        <Spinner label="Loading settings" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <div className="space-y-6">
          <CompanySettingsForm settings={settings.data} />
          <LogoCard settings={settings.data} />
        </div>
      )}
    </>
  );
}
