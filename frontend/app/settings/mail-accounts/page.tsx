import type { Metadata } from "next";

import { MailAccountsPage } from "@/modules/mail-admin/components/MailAccountsPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Mail accounts" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <MailAccountsPage />
    </AppShell>
  );
}
