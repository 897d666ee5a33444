import type { Metadata } from "next";

import { ProfilePage } from "@/modules/profile/components/ProfilePage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "Your profile" };

export default function Page() {
  return (
    <AppShell>
      <ProfilePage />
    </AppShell>
  );
}
