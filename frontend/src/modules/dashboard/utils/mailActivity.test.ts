import { describe, expect, it } from "vitest";

import { accountHealth, mailActivityChartData, mailTotals, syncLagLabel } from "./mailActivity";

describe("mailActivityChartData", () => {
  it("labels each day without shifting it into the browser's time zone", () => {
    const data = mailActivityChartData([
      { day: "2026-11-01", received: 3, sent: 1 },
      { day: "2026-11-02", received: 0, sent: 4 },
    ]);
    expect(data).toEqual([
      { label: "1 Nov", longLabel: "Sun 1 Nov", values: { received: 3, sent: 1 } },
      { label: "2 Nov", longLabel: "Mon 2 Nov", values: { received: 0, sent: 4 } },
    ]);
  });
});

describe("mailTotals", () => {
  it("adds up both series", () => {
    expect(mailTotals([{ day: "2026-11-01", received: 3, sent: 1 }, { day: "2026-11-02", received: 2, sent: 4 }])).toEqual({ received: 5, sent: 5 });
    expect(mailTotals([])).toEqual({ received: 0, sent: 0 });
  });
});

describe("syncLagLabel", () => {
  it("says how long ago in the largest sensible unit", () => {
    expect(syncLagLabel(null)).toBe("never");
    expect(syncLagLabel(5)).toBe("just now");
    expect(syncLagLabel(12 * 60 + 5)).toBe("12 min ago");
    expect(syncLagLabel(3 * 3600)).toBe("3 h ago");
    expect(syncLagLabel(86_400)).toBe("1 day ago");
    expect(syncLagLabel(3 * 86_400)).toBe("3 days ago");
  });
});

describe("accountHealth", () => {
  it("puts a server's refusal before anything the sync says", () => {
    expect(accountHealth({ status: "auth_failed", sync_state: "idle", lag_seconds: 10 })).toEqual({ tone: "danger", label: "Sign-in refused" });
    expect(accountHealth({ status: "something_new", sync_state: "idle", lag_seconds: 10 })).toEqual({ tone: "danger", label: "Problem" });
  });

  it("tells syncing, failed, behind and up to date apart", () => {
    expect(accountHealth({ status: "ok", sync_state: "syncing", lag_seconds: null }).label).toBe("Syncing");
    expect(accountHealth({ status: "ok", sync_state: "failed", lag_seconds: 10 }).label).toBe("Sync failed");
    expect(accountHealth({ status: "ok", sync_state: "idle", lag_seconds: 7200 }).label).toBe("Behind");
    expect(accountHealth({ status: "ok", sync_state: "idle", lag_seconds: null }).label).toBe("Behind");
    expect(accountHealth({ status: "ok", sync_state: "idle", lag_seconds: 60 }).label).toBe("Up to date");
  });
});
