import type { Metadata } from "next";

import { PasswordResetRequestForm } from "@/modules/auth/components/PasswordResetRequestForm";

export const metadata: Metadata = { title: "Reset your password" };

export default function Page() {
  return <PasswordResetRequestForm />;
}
