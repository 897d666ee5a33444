"use client";

import { useState, type FormEvent } from "react";

import { BASE_DOMAIN, companyUrl } from "@/lib/host";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";

import { SubdomainInput } from "../../signup/components/SubdomainInput";
import { subdomainProblem } from "../../signup/utils/subdomain";

/** Sign in from the public site: people sign in at their company's own address, so ask which one. */
export function FindCompanyForm() {
  const [subdomain, setSubdomain] = useState("");
  const [error, setError] = useState<string | undefined>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = subdomain ? subdomainProblem(subdomain) : "Enter your company's address.";
    if (problem) {
      setError(problem);
      return;
    }
    window.location.assign(companyUrl(window.location, subdomain, BASE_DOMAIN, "/login"));
  };

  return (
    <form className="space-y-5" onSubmit={submit} noValidate>
      <Field label="Your company's address" error={error}>
        <SubdomainInput value={subdomain} onChange={(value) => { setError(undefined); setSubdomain(value); }} />
      </Field>
      <Button type="submit" className="w-full">
        Continue
      </Button>
    </form>
  );
}
