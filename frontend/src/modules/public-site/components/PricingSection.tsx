"use client";

import { useQuery } from "@tanstack/react-query";

import { call, publicApi } from "@/api/client";
import type { Plan } from "@/api/schemas";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { Spinner } from "@/modules/ui/components/Spinner";

import { queryKeys } from "../../auth/api/queryKeys";
import { PlanCard } from "./PlanCard";

export function PricingSection() {
  const plans = useQuery<Plan[]>({ queryKey: queryKeys.plans, queryFn: () => call(publicApi.GET("/api/plans")) });
  if (plans.isPending) return <div className="flex justify-center py-12"><Spinner label="Loading plans" /></div>;
  if (plans.isError) return <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />;
  if (plans.data.length === 0) return <EmptyState title="Pricing is coming soon">Sign up now: every feature is included while we finish our plans.</EmptyState>;
  const featuredIndex = plans.data.length > 2 ? 1 : -1;
  return (
    <div className="grid gap-6 md:grid-cols-2 lg:grid-cols-3">
      {plans.data.map((plan, index) => (
        <PlanCard key={plan.code} plan={plan} featured={index === featuredIndex} />
      ))}
    </div>
  );
}
