import type { Metadata } from "next";

import { InvitationsPage } from "@/modules/team/components/InvitationsPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Invitations" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <InvitationsPage />
    </AppShell>
  );
}
