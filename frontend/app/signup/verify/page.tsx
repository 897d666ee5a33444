import type { Metadata } from "next";

import { CenteredPublicCard } from "@/modules/public-site/components/CenteredPublicCard";
import { VerifyEmail } from "@/modules/signup/components/VerifyEmail";

export const metadata: Metadata = { title: "Confirm your email" };

export default function Page() {
  return (
    <CenteredPublicCard title="Confirm your email">
      <VerifyEmail />
    </CenteredPublicCard>
  );
}
