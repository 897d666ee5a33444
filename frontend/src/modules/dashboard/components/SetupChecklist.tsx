"use client";

import Link from "next/link";

import type { TenantSettings } from "@/api/schemas";
import { Card } from "@/modules/ui/components/Card";
import { cx } from "@/modules/ui/utils/cx";

type Step = { done: boolean; title: string; href: string; action: string };

export function SetupChecklist({ settings, teamSize, mailboxes }: { settings: TenantSettings; teamSize: number; mailboxes: number }) {
  const steps: Step[] = [
    { done: true, title: "Create your company", href: "/settings/company", action: "Done" },
    { done: Boolean(settings.logo_url), title: "Add your logo", href: "/settings/company", action: "Upload" },
    { done: teamSize > 1, title: "Invite your team", href: "/settings/invitations", action: "Invite" },
    { done: mailboxes > 0, title: "Connect a mailbox", href: "/settings/mail-accounts", action: "Connect" },
  ];
  const completed = steps.filter((step) => step.done).length;
  return (
    <Card title="Get set up" description={`${completed} of ${steps.length} done`}>
      <ol className="divide-y divide-slate-100">
        {steps.map((step) => (
          <li key={step.title} className="flex items-center justify-between gap-4 py-3">
            <span className="flex items-center gap-3 text-sm">
              <span aria-hidden="true" className={cx("flex h-5 w-5 items-center justify-center rounded-full text-xs", step.done ? "bg-emerald-500 text-white" : "border border-slate-300")}>
                {step.done ? "✓" : ""}
              </span>
              <span className={step.done ? "text-slate-500 line-through" : "font-medium text-slate-900"}>{step.title}</span>
              <span className="sr-only">{step.done ? "(done)" : "(to do)"}</span>
            </span>
            {!step.done ? (
              <Link href={step.href} className="text-sm font-medium text-indigo-700 hover:underline">
                {step.action}
              </Link>
            ) : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}
