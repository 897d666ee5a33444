import { describe, expect, it } from "vitest";

import { NO_FILTERS, auditQuery, dayStart, rangeProblem } from "./auditQuery";

describe("dayStart", () => {
  it("is local midnight of the day, or of a later day", () => {
    expect(dayStart("2026-03-05")).toBe(new Date(2026, 2, 5).toISOString());
    expect(dayStart("2026-12-31", 1)).toBe(new Date(2027, 0, 1).toISOString());
  });

  it("is undefined for anything that is not a day", () => {
    expect(dayStart("")).toBeUndefined();
    expect(dayStart("05/03/2026")).toBeUndefined();
    expect(dayStart("2026-3-5")).toBeUndefined();
  });
});

describe("auditQuery", () => {
  it("asks for everything when nothing is chosen", () => {
    expect(auditQuery(NO_FILTERS)).toEqual({});
  });

  it("passes the action and the person, and includes the whole 'to' day", () => {
    const query = auditQuery({ action: "auth.sign_in_failed", actor: "42", from: "2026-03-01", to: "2026-03-02" });

    expect(query).toEqual({
      action: "auth.sign_in_failed",
      actor: 42,
      since: new Date(2026, 2, 1).toISOString(),
      until: new Date(2026, 2, 3).toISOString(),
    });
  });

  it("drops a person id that is not a positive whole number", () => {
    expect(auditQuery({ ...NO_FILTERS, actor: "abc" })).toEqual({});
    expect(auditQuery({ ...NO_FILTERS, actor: "-3" })).toEqual({});
  });
});

describe("rangeProblem", () => {
  it("accepts one day, an open range and no range", () => {
    expect(rangeProblem({ ...NO_FILTERS, from: "2026-03-01", to: "2026-03-01" })).toBeNull();
    expect(rangeProblem({ ...NO_FILTERS, from: "2026-03-01" })).toBeNull();
    expect(rangeProblem(NO_FILTERS)).toBeNull();
  });

  it("refuses a range that ends before it starts", () => {
    expect(rangeProblem({ ...NO_FILTERS, from: "2026-03-02", to: "2026-03-01" })).toMatch(/must not be before/);
  });
});
