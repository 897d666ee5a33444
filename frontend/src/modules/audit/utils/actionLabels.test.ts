import { describe, expect, it } from "vitest";

import { ACTION_OPTIONS, detailsText } from "./actionLabels";

describe("ACTION_OPTIONS", () => {
  it("offers every action once, with its label", () => {
    const values = ACTION_OPTIONS.map((option) => option.value);
    expect(new Set(values).size).toBe(values.length);
    expect(ACTION_OPTIONS).toContainEqual({ value: "auth.sign_in_failed", label: "Sign-in failed" });
  });
});

describe("detailsText", () => {
  it("joins keys and values in words", () => {
    expect(detailsText({ role_before: "member", role_after: "admin" })).toBe("role before: member · role after: admin");
    expect(detailsText({ changed: ["name", "currency"] })).toBe("changed: name, currency");
  });

  it("is empty without details", () => {
    expect(detailsText({})).toBe("");
    expect(detailsText(null)).toBe("");
  });
});
