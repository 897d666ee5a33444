"use client";

import { errorMessage } from "@/api/errors";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";

import { dateShort } from "../../team/utils/format";
import { useBilling, useBillingPortal, useCheckout } from "../hooks/useBilling";
import { billingNotice } from "../utils/billingNotice";
import { limitLabel, priceLabel } from "../utils/money";

const STATUS_TONE: Record<string, "success" | "brand" | "warning" | "danger" | "neutral"> = {
  active: "success",
  trialing: "brand",
  past_due: "warning",
  unpaid: "danger",
  canceled: "danger",
  incomplete: "warning",
};

export function BillingPage() {
  const billing = useBilling();
  const checkout = useCheckout();
  const portal = useBillingPortal();

  if (billing.isPending) return <Spinner label="Loading billing" />;
  if (billing.isError) return <ErrorState error={billing.error} onRetry={() => void billing.refetch()} />;

  const state = billing.data;
  const plan = state.plan;
  const notice = billingNotice(state);
  const failure = checkout.error ?? portal.error;

  return (
    <>
      <PageHeader title="Billing" description="Your plan, its limits and your payment details." />
      <div className="space-y-6">
        {notice ? <Banner tone={notice.tone} title={notice.title}>{notice.message}</Banner> : null}
        {failure ? <Banner tone="danger">{errorMessage(failure)}</Banner> : null}
        {!state.enabled ? (
          <Card title="Unlimited plan">
            <p className="text-sm text-slate-600">Billing is not switched on for this installation, so every feature is available without limits.</p>
          </Card>
        ) : (
          <Card
            title={plan ? plan.name : "No plan"}
            description={plan?.description}
            actions={<Badge tone={STATUS_TONE[state.status] ?? "neutral"}>{state.status.replace("_", " ")}</Badge>}
          >
            {plan ? (
              <dl className="grid gap-4 sm:grid-cols-3">
                <div>
                  <dt className="text-sm text-slate-500">Price</dt>
                  <dd className="mt-1 text-lg font-semibold text-slate-900">
                    {priceLabel(plan.monthly_price_cents, plan.currency)}
                    {plan.monthly_price_cents > 0 ? <span className="text-sm font-normal text-slate-500"> / month</span> : null}
                  </dd>
                </div>
                <div>
                  <dt className="text-sm text-slate-500">Users</dt>
                  <dd className="mt-1 text-lg font-semibold text-slate-900">
                    {state.usage.users}
                    <span className="text-sm font-normal text-slate-500"> of {limitLabel(plan.max_users, "users").toLowerCase()}</span>
                  </dd>
                  {plan.max_users !== null && plan.max_users > 0 ? (
                    <div className="mt-2 h-1.5 rounded-full bg-slate-100" role="progressbar" aria-label="Users used" aria-valuemin={0} aria-valuemax={plan.max_users} aria-valuenow={state.usage.users}>
                      <div className="h-1.5 rounded-full bg-indigo-600" style={{ width: `${Math.min(100, (state.usage.users / plan.max_users) * 100)}%` }} />
                    </div>
                  ) : null}
                </div>
                <div>
                  <dt className="text-sm text-slate-500">{state.status === "trialing" ? "Trial ends" : "Mail accounts"}</dt>
                  <dd className="mt-1 text-lg font-semibold text-slate-900">
                    {state.status === "trialing" ? dateShort(state.trial_ends_at) : limitLabel(plan.max_mail_accounts, "accounts")}
                  </dd>
                </div>
              </dl>
            ) : (
              <p className="text-sm text-slate-600">Choose a plan to keep using Atrium.</p>
            )}
            <div className="mt-6 flex flex-wrap gap-3 border-t border-slate-100 pt-4">
              {plan?.purchasable && state.status !== "active" ? (
                <Button loading={checkout.isPending} onClick={() => checkout.mutate(plan.code)}>
                  Subscribe to {plan.name}
                </Button>
              ) : null}
              <Button variant="secondary" loading={portal.isPending} onClick={() => portal.mutate()}>
                Manage payment details and invoices
              </Button>
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
