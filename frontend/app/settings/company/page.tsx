import type { Metadata } from "next";

import { CompanySettingsPage } from "@/modules/company/components/CompanySettingsPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Company settings" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <CompanySettingsPage />
    </AppShell>
  );
}
