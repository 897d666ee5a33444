"use client";

import { errorMessage } from "@/api/errors";
import type { WebhookDelivery } from "@/api/schemas";
import { Badge } from "@/modules/ui/components/Badge";
import { Banner } from "@/modules/ui/components/Banner";
import { Button } from "@/modules/ui/components/Button";
import { EmptyState } from "@/modules/ui/components/EmptyState";
import { ErrorState } from "@/modules/ui/components/ErrorState";
import { LoadMore } from "@/modules/ui/components/LoadMore";
import { Spinner } from "@/modules/ui/components/Spinner";
import { Table, type Column } from "@/modules/ui/components/Table";

import { dateShort } from "../../team/utils/format";
import { useWebhookDeliveries, useWebhookRedeliver } from "../hooks/useWebhooks";
import { deliveryOutcome, deliveryTone, eventLabel } from "../utils/webhookText";

/** One endpoint's deliveries, newest first, each with how it went and a way to send it again. */
export function DeliveriesPanel({ endpointId }: { endpointId: number }) {
  const deliveries = useWebhookDeliveries(endpointId);
  const redeliver = useWebhookRedeliver();

  const columns: Column<WebhookDelivery>[] = [
    { header: "Event", cell: (delivery) => eventLabel(delivery.event_type) },
    { header: "Created", cell: (delivery) => dateShort(delivery.created_at) },
    { header: "Status", cell: (delivery) => <Badge tone={deliveryTone(delivery.status)}>{delivery.status}</Badge> },
    {
      header: "Outcome",
      cell: (delivery) => (
        <span title={delivery.response_excerpt || undefined} className="text-sm text-slate-600">
          {deliveryOutcome(delivery)}
        </span>
      ),
    },
    {
      header: "",
      cell: (delivery) => (
        <Button
          variant="secondary"
          size="sm"
          loading={redeliver.isPending && redeliver.variables?.deliveryId === delivery.id}
          onClick={() => redeliver.mutate({ endpointId, deliveryId: delivery.id })}
        >
          Redeliver
        </Button>
      ),
    },
  ];

  if (deliveries.isPending) return <Spinner label="Loading deliveries" />;
  if (deliveries.isError) return <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  return (
    <div className="space-y-3">
      {redeliver.isError ? <Banner tone="danger">{errorMessage(redeliver.error)}</Banner> : null}
      {deliveries.data.length === 0 ? (
        <EmptyState title="No deliveries yet">Send a test event to see one here.</EmptyState>
      ) : (
        <>
          <Table caption="Deliveries" columns={columns} rows={deliveries.data} rowKey={(delivery) => delivery.id} />
          <LoadMore list={deliveries} />
        </>
      )}
    </div>
  );
}
