import type { Metadata } from "next";

import { LoginRoute } from "@/modules/site/components/LoginRoute";

export const metadata: Metadata = { title: "Sign in" };

export default function Page() {
  return <LoginRoute />;
}
