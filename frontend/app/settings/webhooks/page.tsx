import type { Metadata } from "next";

import { WebhooksPage } from "@/modules/webhooks/components/WebhooksPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Webhooks" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <WebhooksPage />
    </AppShell>
  );
}
