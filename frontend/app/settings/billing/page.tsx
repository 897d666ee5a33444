import type { Metadata } from "next";

import { BillingPage } from "@/modules/billing/components/BillingPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Billing" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <BillingPage />
    </AppShell>
  );
}
