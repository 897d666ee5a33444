import Link from "next/link";

import type { Plan } from "@/api/schemas";
import { buttonClasses } from "@/modules/ui/components/Button";
import { cx } from "@/modules/ui/utils/cx";

import { limitLabel, priceLabel } from "../../billing/utils/money";

export function PlanCard({ plan, featured }: { plan: Plan; featured: boolean }) {
  const limits = [
    limitLabel(plan.max_users, "users"),
    limitLabel(plan.max_mail_accounts, "mailboxes"),
    limitLabel(plan.max_contacts, "contacts"),
    plan.max_storage_mb !== null && plan.max_storage_mb > 0 ? `${(plan.max_storage_mb / 1024).toLocaleString("en", { maximumFractionDigits: 1 })} GB storage` : "Unlimited storage",
  ];
  return (
    <div data-testid="plan-card" className={cx("flex flex-col rounded-2xl border bg-white p-6 shadow-sm", featured ? "border-indigo-600 ring-1 ring-indigo-600" : "border-slate-200")}>
      <div className="flex items-center justify-between">
        <h3 className="text-lg font-semibold text-slate-900">{plan.name}</h3>
        {featured ? <span className="rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-semibold text-indigo-700">Most popular</span> : null}
      </div>
      <p className="mt-2 min-h-10 text-sm text-slate-600">{plan.description}</p>
      <p className="mt-4">
        <span className="text-4xl font-semibold tracking-tight text-slate-900">{priceLabel(plan.monthly_price_cents, plan.currency)}</span>
        {plan.monthly_price_cents > 0 ? <span className="text-sm text-slate-500"> / month</span> : null}
      </p>
      <ul className="mt-6 flex-1 space-y-2 text-sm text-slate-700">
        {limits.map((limit) => (
          <li key={limit} className="flex gap-2">
            <span aria-hidden="true" className="text-indigo-600">✓</span>
            {limit}
          </li>
        ))}
      </ul>
      <Link href={`/signup?plan=${encodeURIComponent(plan.code)}`} className={buttonClasses(featured ? "primary" : "secondary", "md", "mt-6 w-full")}>
        {plan.trial_days > 0 ? `Start ${plan.trial_days}-day free trial` : "Get started"}
      </Link>
    </div>
  );
}
