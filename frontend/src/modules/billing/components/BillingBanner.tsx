"use client";

import Link from "next/link";

import { Banner } from "@/modules/ui/components/Banner";
import { buttonClasses } from "@/modules/ui/components/Button";

import { useBilling } from "../hooks/useBilling";
import { billingNotice } from "../utils/billingNotice";

export function BillingBanner({ canManage }: { canManage: boolean }) {
  const billing = useBilling();
  const notice = billing.data ? billingNotice(billing.data) : null;
  if (!notice) return null;
  return (
    <div className="mb-6">
      <Banner
        tone={notice.tone}
        title={notice.title}
        actions={canManage ? <Link href="/settings/billing" className={buttonClasses("secondary", "sm")}>Billing</Link> : null}
      >
        {notice.message}
      </Banner>
    </div>
  );
}
