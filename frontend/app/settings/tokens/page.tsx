import type { Metadata } from "next";

import { TokensPage } from "@/modules/tokens/components/TokensPage";
import { AppShell } from "@/modules/shell/components/AppShell";

export const metadata: Metadata = { title: "API tokens" };

export default function Page() {
  return (
    <AppShell adminOnly>
      <TokensPage />
    </AppShell>
  );
}
