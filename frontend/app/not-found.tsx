import Link from "next/link";

import { buttonClasses } from "@/modules/ui/components/Button";
import { LogoMark } from "@/modules/ui/components/LogoMark";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-slate-50 px-4 text-center">
      <LogoMark className="h-10 w-10" />
      <p className="mt-6 text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-slate-900">This page doesn&apos;t exist</h1>
      <p className="mt-2 text-slate-600">The link may be old, or the address mistyped.</p>
      <Link href="/" className={buttonClasses("primary", "md", "mt-8")}>
        Go to the start page
      </Link>
    </main>
  );
}
