import type { ReactNode } from "react";

import { PublicLayout } from "./PublicLayout";

export function CenteredPublicCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <PublicLayout>
      <div className="mx-auto max-w-md px-4 py-12 sm:py-16">
        <h1 className="text-center text-3xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {subtitle ? <p className="mt-2 text-center text-slate-600">{subtitle}</p> : null}
        <div className="mt-8 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
      </div>
    </PublicLayout>
  );
}
