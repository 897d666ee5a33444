import Link from "next/link";

import { buttonClasses } from "@/modules/ui/components/Button";

import { PricingSection } from "./PricingSection";
import { PublicLayout } from "./PublicLayout";

const FEATURES = [
  { title: "Your team's mail, shared", text: "Connect Gmail, Outlook or any IMAP mailbox and see every conversation next to the customer it is about." },
  { title: "Customers and deals", text: "One record per customer with every email, quote and invoice, so nobody asks “who talked to them last?”." },
  { title: "Quotes and invoices", text: "Turn a deal into a quote and a quote into an invoice in your currency and time zone." },
  { title: "Your own space", text: "Your company lives at its own address with its own data, users, roles and API tokens." },
];

export function LandingPage() {
  return (
    <PublicLayout>
      <section className="bg-gradient-to-b from-indigo-50/70 to-white">
        <div className="mx-auto max-w-6xl px-4 pb-20 pt-20 text-center sm:px-6 sm:pt-28">
          <p className="text-sm font-semibold uppercase tracking-wide text-indigo-700">The business suite for small teams</p>
          <h1 className="mx-auto mt-4 max-w-3xl text-4xl font-semibold tracking-tight text-slate-900 sm:text-6xl">
            Customers, deals and mail in one calm place
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-slate-600">
            Atrium gives your company its own workspace for customers, quotes, invoices and your team&apos;s mailboxes. Set up in two minutes.
          </p>
          <div className="mt-10 flex flex-wrap justify-center gap-3">
            <Link href="/signup" className={buttonClasses("primary", "lg")}>
              Start your free trial
            </Link>
            <Link href="/pricing" className={buttonClasses("secondary", "lg")}>
              See pricing
            </Link>
          </div>
        </div>
      </section>
      <section aria-labelledby="features" className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
        <h2 id="features" className="sr-only">Features</h2>
        <div className="grid gap-8 sm:grid-cols-2 lg:grid-cols-4">
          {FEATURES.map((feature) => (
            <div key={feature.title}>
              <div aria-hidden="true" className="mb-4 h-10 w-10 rounded-lg bg-indigo-600/10 ring-1 ring-indigo-600/20" />
              <h3 className="font-semibold text-slate-900">{feature.title}</h3>
              <p className="mt-2 text-sm leading-6 text-slate-600">{feature.text}</p>
            </div>
          ))}
        </div>
      </section>
      <section aria-labelledby="pricing" className="border-t border-slate-100 bg-slate-50/60">
        <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
          <h2 id="pricing" className="text-center text-3xl font-semibold tracking-tight text-slate-900">Simple pricing</h2>
          <p className="mt-3 text-center text-slate-600">Every plan starts with a free trial. No card needed.</p>
          <div className="mt-10">
            <PricingSection />
          </div>
        </div>
      </section>
    </PublicLayout>
  );
}
