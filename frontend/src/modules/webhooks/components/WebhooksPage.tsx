"use client";

import { useState } from "react";

import { errorMessage } from "@/api/errors";
import type { WebhookEndpoint, WebhookEndpointCreated, WebhookEndpointInput } from "@/api/schemas";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { Card } from "@/modules/ui/components/Card";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { PageHeader } from "@/modules/ui/components/PageHeader";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import {
  useWebhookCreate,
  useWebhookDelete,
  useWebhookEndpoints,
  useWebhookEventTypes,
  useWebhookTest,
  useWebhookUpdate,
} from "../hooks/useWebhooks";
import { eventLabel } from "../utils/webhookText";
import { DeliveriesPanel } from "./DeliveriesPanel";
import { EndpointForm } from "./EndpointForm";
import { NewSecretNotice } from "./NewSecretNotice";

export function WebhooksPage() {
  const endpoints = useWebhookEndpoints();
  const catalogue = useWebhookEventTypes();
  const create = useWebhookCreate();
  const update = useWebhookUpdate();
  const remove = useWebhookDelete();
  const test = useWebhookTest();
  const [created, setCreated] = useState<WebhookEndpointCreated | null>(null);
  const [editing, setEditing] = useState<WebhookEndpoint | null>(null);
  const [opened, setOpened] = useState<number | null>(null);
  const saving = editing ? update : create;

  const save = (values: WebhookEndpointInput) => {
    if (editing) {
      update.mutate({ id: editing.id, body: values }, { onSuccess: () => setEditing(null) });
    } else {
      create.mutate(values, { onSuccess: (endpoint) => setCreated(endpoint) });
    }
  };

  const columns: Column<WebhookEndpoint>[] = [
    {
      header: "Endpoint",
      cell: (endpoint) => (
        <div>
          <p className="break-all font-medium text-slate-900">{endpoint.url}</p>
          {endpoint.description ? <p className="text-sm text-slate-500">{endpoint.description}</p> : null}
          <p className="text-xs text-slate-500">{endpoint.event_types.map(eventLabel).join(" · ")}</p>
        </div>
      ),
    },
    {
      header: "Status",
      cell: (endpoint) =>
        endpoint.is_active ? (
          <Badge tone="success">Active</Badge>
        ) : (
          <span title={endpoint.disabled_reason || undefined}>
            <Badge tone="danger">{endpoint.disabled_reason ? "Disabled after failures" : "Off"}</Badge>
          </span>
        ),
    },
    {
      header: "",
      cell: (endpoint) => (
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" size="sm" loading={test.isPending && test.variables === endpoint.id} onClick={() => test.mutate(endpoint.id, { onSuccess: () => setOpened(endpoint.id) })}>
            Send test
          </Button>
          <Button variant="secondary" size="sm" onClick={() => setOpened(opened === endpoint.id ? null : endpoint.id)}>
            {opened === endpoint.id ? "Hide deliveries" : "Deliveries"}
          </Button>
          <Button variant="ghost" size="sm" onClick={() => update.mutate({ id: endpoint.id, body: { is_active: !endpoint.is_active } })}>
            {endpoint.is_active ? "Turn off" : "Turn on"}
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setEditing(endpoint)}>
            Edit
          </Button>
          <Button variant="danger" size="sm" loading={remove.isPending && remove.variables === endpoint.id} onClick={() => remove.mutate(endpoint.id)}>
            Delete
          </Button>
        </div>
      ),
    },
  ];

  const actionError = [test, remove, editing ? null : update].find((mutation) => mutation?.isError)?.error;

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Atrium POSTs the events you choose to your endpoints, signed with each endpoint's secret (header Atrium-Signature)."
      />
      <div className="space-y-6">
        <Card title={editing ? "Edit endpoint" : "Add an endpoint"}>
          {created ? (
            <div className="mb-4">
              <NewSecretNotice endpoint={created} onDismiss={() => setCreated(null)} />
            </div>
          ) : null}
          {catalogue.isPending ? (
            <Spinner label="Loading events" />
          ) : catalogue.isError ? (
            <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />
          ) : (
            <EndpointForm
              key={editing?.id ?? "new"}
              catalogue={catalogue.data.event_types}
              editing={editing}
              pending={saving.isPending}
              error={saving.error}
              onSubmit={save}
              onCancel={() => setEditing(null)}
            />
          )}
        </Card>
        <Card title="Endpoints">
          {actionError ? (
            <div className="mb-4">
              <Banner tone="danger">{errorMessage(actionError)}</Banner>
            </div>
          ) : null}
          {endpoints.isPending ? (
            <Spinner label="Loading endpoints" />
          ) : endpoints.isError ? (
            <ErrorState error={endpoints.error} onRetry={() => void endpoints.refetch()} />
          ) : endpoints.data.length === 0 ? (
            <EmptyState title="No endpoints yet">Add one above to receive events.</EmptyState>
          ) : (
            <>
              <Table caption="Webhook endpoints" columns={columns} rows={endpoints.data} rowKey={(endpoint) => endpoint.id} />
              <LoadMore list={endpoints} />
            </>
          )}
        </Card>
        {opened !== null ? (
          <Card title="Deliveries">
            <DeliveriesPanel endpointId={opened} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
