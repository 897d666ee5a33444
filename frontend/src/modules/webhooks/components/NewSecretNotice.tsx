"use client";

import { useState } from "react";

import type { WebhookEndpointCreated } from "@/api/schemas";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";

/** The endpoint's signing secret, shown once: the API never returns it again. */
export function NewSecretNotice({ endpoint, onDismiss }: { endpoint: WebhookEndpointCreated; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Banner
      tone="success"
      title="Endpoint added. Copy its signing secret now: it is shown only once."
      actions={<Button variant="ghost" size="sm" onClick={onDismiss}>Done</Button>}
    >
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="webhook-secret" className="break-all rounded-md bg-white px-2 py-1 font-mono text-xs text-slate-900 ring-1 ring-emerald-200">
          {endpoint.secret}
        </code>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(endpoint.secret).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Banner>
  );
}
