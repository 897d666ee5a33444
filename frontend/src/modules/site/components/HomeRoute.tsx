"use client";

import { Spinner } from "@/modules/ui/components/Spinner";

import { DashboardPage } from "../../dashboard/components/DashboardPage";
import { LandingPage } from "../../public-site/components/LandingPage";
import { AppShell } from "../../shell/components/AppShell";
import { useSiteKind } from "../hooks/useSiteKind";

/** "/" is the landing page on the public site and the dashboard in a company's portal. */
export function HomeRoute() {
  const kind = useSiteKind();
  if (kind === null) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner />
      </div>
    );
  }
  if (kind === "public") return <LandingPage />;
  return (
    <AppShell>
      <DashboardPage />
    </AppShell>
  );
}
