"use client";

import { ErrorState } from "@/modules/ui/components/ErrorState";
import { PageHeader } from "@/modules/ui/components/PageHeader";

import { isAdminRole, useMe } from "../../auth/hooks/useMe";
import { useBilling } from "../../billing/hooks/useBilling";
import { useTenantSettings } from "../../company/hooks/useTenantSettings";
import { useSearchParam } from "../../site/hooks/useSearchParam";
import { Banner } from "@/modules/ui/components/Banner";
import { useDashboard } from "../hooks/useDashboard";
import { MailInsights } from "./MailInsights";
import { SetupChecklist } from "./SetupChecklist";
import { StatCard } from "./StatCard";

function greeting(hour: number): string {
  if (hour < 12) return "Good morning";
  if (hour < 18) return "Good afternoon";
  return "Good evening";
}

export function DashboardPage() {
  const me = useMe();
  const settings = useTenantSettings();
  const billing = useBilling();
  const dashboard = useDashboard();
  const welcome = useSearchParam("welcome");
  const firstName = (me.data?.full_name || "").split(" ")[0];
  const teamSize = billing.data?.usage.users ?? 0;
  const plan = billing.data?.plan;

  return (
    <>
      <PageHeader
        title={`${greeting(new Date().getHours())}${firstName ? `, ${firstName}` : ""}`}
        description={settings.data ? `Here's what's happening at ${settings.data.name}.` : "Here's what's happening at your company."}
      />
      {welcome ? (
        <div className="mb-6">
          <Banner tone="success" title="Welcome to Atrium">Your email is confirmed and your company is ready.</Banner>
        </div>
      ) : null}
      <div data-testid="dashboard-stats" className="grid gap-4 sm:grid-cols-3">
        <StatCard label="Team" value={billing.data ? teamSize : "…"} detail={teamSize === 1 ? "person" : "people"} />
        <StatCard label="Plan" value={billing.data ? (plan?.name ?? "Unlimited") : "…"} detail={billing.data?.enabled ? billing.data.status.replace("_", " ") : "All features"} />
        <StatCard label="Time zone" value={settings.data ? settings.data.timezone.split("/").pop()?.replaceAll("_", " ") : "…"} detail={settings.data ? `Amounts in ${settings.data.currency}` : undefined} />
      </div>
      <div className="mt-6">
        <MailInsights canConnect={isAdminRole(me.data?.role)} />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        {settings.isError ? <ErrorState error={settings.error} onRetry={() => void settings.refetch()} /> : null}
        {settings.data && isAdminRole(me.data?.role) ? <SetupChecklist settings={settings.data} teamSize={teamSize} mailboxes={dashboard.data?.accounts.length ?? 0} /> : null}
      </div>
    </>
  );
}
