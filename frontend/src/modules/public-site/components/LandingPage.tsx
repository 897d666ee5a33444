import Link from "next/link";

import { buttonClasses } from "@/modules/ui/components/Button";

import { PricingSection } from "./PricingSection";
import { PublicLayout } from "./PublicLayout";

const ICONS = {
  mail: "M3 6.5A1.5 1.5 0 0 1 4.5 5h15A1.5 1.5 0 0 1 21 6.5v11a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5zm1.8.2L12 12l7.2-5.3",
  people: "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6m8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6M2.5 19c.6-3 2.8-5 5.5-5s4.9 2 5.5 5m1-4.6c.5-.3 1-.4 1.5-.4 2.7 0 4.9 2 5.5 5",
  invoice: "M6 3h9l3 3v15H6zm9 0v3h3M9 10h6M9 14h6M9 18h4",
  home: "M3 11 12 4l9 7M5.5 9.5V20h13V9.5M10 20v-5h4v5",
} as const;

const FEATURES = [
  { icon: ICONS.mail, title: "Your team's mail, shared", text: "Connect Gmail, Outlook or any IMAP mailbox and see every conversation next to the customer it is about." },
  { icon: ICONS.people, title: "Customers and deals", text: "One record per customer with every email, quote and invoice, so nobody asks “who talked to them last?”." },
  { icon: ICONS.invoice, title: "Quotes and invoices", text: "Turn a deal into a quote and a quote into an invoice in your currency and time zone." },
  { icon: ICONS.home, title: "Your own space", text: "Your company lives at its own address with its own data, users, roles and API tokens." },
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
              <div aria-hidden="true" className="mb-4 flex h-10 w-10 items-center justify-center rounded-lg bg-indigo-600/10 ring-1 ring-indigo-600/20">
                <svg viewBox="0 0 24 24" className="h-5 w-5 text-indigo-700" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
                  <path d={feature.icon} />
                </svg>
              </div>
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
