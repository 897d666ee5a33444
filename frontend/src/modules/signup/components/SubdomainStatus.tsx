"use client";

import { ApiError } from "@/api/errors";
import { Spinner } from "@/modules/ui/components/Spinner";

import { useSubdomainAvailability } from "../hooks/useSubdomainAvailability";
import { subdomainProblem } from "../utils/subdomain";

export function SubdomainStatus({ subdomain }: { subdomain: string }) {
  const availability = useSubdomainAvailability(subdomain);
  const local = subdomainProblem(subdomain);
  if (!subdomain) return <span>Your team signs in at this address.</span>;
  if (local) return <span className="text-red-700">{local}</span>;
  if (!availability.settled || !availability.data) {
    if (availability.isError && availability.error instanceof ApiError) return <span className="text-red-700">{availability.error.message}</span>;
    return <Spinner label="Checking the address" />;
  }
  if (availability.data.subdomain !== subdomain) return <Spinner label="Checking the address" />;
  return availability.data.available ? (
    <span className="text-emerald-700" data-testid="subdomain-available">
      ✓ {availability.data.hostname} is available
    </span>
  ) : (
    <span className="text-red-700" data-testid="subdomain-unavailable">
      {availability.data.reasons.join(" ") || "This address is taken."}
    </span>
  );
}

