import type { Metadata } from "next";

import { InviteAcceptForm } from "@/modules/auth/components/InviteAcceptForm";

export const metadata: Metadata = { title: "Join your team" };

export default function Page() {
  return <InviteAcceptForm />;
}
