import { PricingSection } from "./PricingSection";
import { PublicLayout } from "./PublicLayout";

export function PricingPage() {
  return (
    <PublicLayout>
      <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
        <h1 className="text-center text-4xl font-semibold tracking-tight text-slate-900">Pricing</h1>
        <p className="mt-3 text-center text-slate-600">Pick a plan for your team. Change or cancel any time.</p>
        <div className="mt-12">
          <PricingSection />
        </div>
      </div>
    </PublicLayout>
  );
}
