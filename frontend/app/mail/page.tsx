import type { Metadata } from "next";
import { Suspense } from "react";

import { MailPage } from "@/modules/mail/components/MailPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Mail" };

export default function Page() {
  return (
    <AppShell fullWidth>
      {/* The page reads its query string (a link to an account or message): rendered in the browser only. */}
      <Suspense>
        <MailPage />
      </Suspense>
    </AppShell>
  );
}
