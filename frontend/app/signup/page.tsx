import type { Metadata } from "next";

import { CenteredPublicCard } from "@/modules/public-site/components/CenteredPublicCard";
import { SignupForm } from "@/modules/signup/components/SignupForm";

export const metadata: Metadata = { title: "Start your free trial" };

export default function Page() {
  return (
    <CenteredPublicCard title="Start your free trial" subtitle="Your company's own workspace, ready in a minute.">
      <SignupForm />
    </CenteredPublicCard>
  );
}
