import type { Metadata } from "next";

import { UsersPage } from "@/modules/team/components/UsersPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Users" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <UsersPage />
    </AppShell>
  );
}
