"use client";

import { useState, type FormEvent } from "react";

import { ApiError } from "@/api/errors";
import type { WebhookEndpoint, WebhookEndpointInput } from "@/api/schemas";
import { Button } from "@/modules/ui/components/Button";
import { Field } from "@/modules/ui/components/Field";
import { FormError } from "@/modules/ui/components/FormError";
import { Input } from "@/modules/ui/components/Input";

import { eventLabel, eventsToggle } from "../utils/webhookText";

type Props = {
  catalogue: readonly string[];
  editing: WebhookEndpoint | null;
  pending: boolean;
  error: unknown;
  onSubmit: (values: WebhookEndpointInput) => void;
  onCancel: () => void;
};

/** Add an endpoint, or change the one being edited: URL, description and the events it receives. */
export function EndpointForm({ catalogue, editing, pending, error, onSubmit, onCancel }: Props) {
  const [url, setUrl] = useState(editing?.url ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [events, setEvents] = useState<string[]>(editing?.event_types ?? []);
  const apiError = error instanceof ApiError ? error : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ url, description, event_types: events as WebhookEndpointInput["event_types"] });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError error={error} shownFields={["url", "description", "event_types"]} />
      <Field label="URL" hint="Where Atrium POSTs each event (https)." error={apiError?.fieldError("url")}>
        <Input name="webhook_url" type="url" required value={url} placeholder="https://example.com/hooks/atrium" onChange={(event) => setUrl(event.target.value)} />
      </Field>
      <Field label="Description" error={apiError?.fieldError("description")}>
        <Input name="webhook_description" value={description} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Events</legend>
        {catalogue.map((eventType) => (
          <label key={eventType} className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              className="h-4 w-4 rounded border-slate-300 text-indigo-600"
              checked={events.includes(eventType)}
              onChange={() => setEvents(eventsToggle(catalogue, events, eventType))}
            />
            <span>{eventLabel(eventType)}</span>
            <code className="font-mono text-xs text-slate-500">{eventType}</code>
          </label>
        ))}
        {apiError?.fieldError("event_types") ? <p className="text-sm text-red-700">{apiError.fieldError("event_types")}</p> : null}
      </fieldset>
      <div className="flex gap-2">
        <Button type="submit" loading={pending}>
          {editing ? "Save endpoint" : "Add endpoint"}
        </Button>
        {editing ? (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
