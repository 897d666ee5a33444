import type { Metadata } from "next";

import { MailPage } from "@/modules/mail/components/MailPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Mail" };

export default function Page() {
  return (
    <AppShell fullWidth>
      <MailPage />
    </AppShell>
  );
}
