import type { Metadata } from "next";

import { PasswordResetConfirmForm } from "@/modules/auth/components/PasswordResetConfirmForm";

export const metadata: Metadata = { title: "Choose a new password" };

export default function Page() {
  return <PasswordResetConfirmForm />;
}
