import type { Metadata } from "next";

import { HandoffPage } from "@/modules/auth/components/HandoffPage";

export const metadata: Metadata = { title: "Signing you in" };

export default function Page() {
  return <HandoffPage />;
}
