import type { Metadata } from "next";

import { PricingPage } from "@/modules/public-site/components/PricingPage";

export const metadata: Metadata = { title: "Pricing" };

export default function Page() {
  return <PricingPage />;
}
