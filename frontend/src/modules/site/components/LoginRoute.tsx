"use client";

import { Spinner } from "@/modules/ui/components/Spinner";

import { LoginForm } from "../../auth/components/LoginForm";
import { CenteredPublicCard } from "../../public-site/components/CenteredPublicCard";
import { FindCompanyForm } from "../../public-site/components/FindCompanyForm";
import { useSiteKind } from "../hooks/useSiteKind";

/** On a company's host: the sign-in form. On the public site: which company to sign in to. */
export function LoginRoute() {
  const kind = useSiteKind();
  if (kind === null) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner />
      </div>
    );
  }
  if (kind === "portal") return <LoginForm />;
  return (
    <CenteredPublicCard title="Sign in" subtitle="Each company has its own address on Atrium.">
      <FindCompanyForm />
    </CenteredPublicCard>
  );
}
