"use client";

import type { Dashboard } from "@/api/schemas";
import { BarChart } from "@/modules/charts/components/BarChart";
import { ChartLegend } from "@/modules/charts/components/ChartLegend";
import type { ChartSeries } from "@/modules/charts/types";
import { Card } from "@/modules/ui/components/Card";

import { mailActivityChartData, mailTotals } from "../utils/mailActivity";

const SERIES: ChartSeries[] = [
  { key: "received", label: "Received", fillClass: "fill-indigo-500", swatchClass: "bg-indigo-500" },
  { key: "sent", label: "Sent", fillClass: "fill-emerald-500", swatchClass: "bg-emerald-500" },
];

export function MailActivityCard({ dashboard }: { dashboard: Dashboard }) {
  const totals = mailTotals(dashboard.days);
  return (
    <Card title="Mail per day" description={`Last ${dashboard.days.length} days, ${dashboard.timezone.replaceAll("_", " ")} time`} className="lg:col-span-2">
      <div data-testid="mail-activity-chart" data-received={totals.received} data-sent={totals.sent}>
        <div className="mb-3">
          <ChartLegend series={SERIES} totals={totals} />
        </div>
        <BarChart title="Mail received and sent per day" categoryHeader="Day" series={SERIES} data={mailActivityChartData(dashboard.days)} />
      </div>
    </Card>
  );
}
