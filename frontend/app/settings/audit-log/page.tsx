import type { Metadata } from "next";

import { AuditLogPage } from "@/modules/audit/components/AuditLogPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Audit log" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <AuditLogPage />
    </AppShell>
  );
}
