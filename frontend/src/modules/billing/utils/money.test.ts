import { describe, expect, it } from "vitest";

import { limitLabel, priceLabel } from "./money";

describe("priceLabel", () => {
  it("formats whole and fractional prices in the plan's currency", () => {
    expect(priceLabel(2900, "eur")).toBe("€29");
    expect(priceLabel(1250, "USD")).toBe("$12.50");
    expect(priceLabel(0, "usd")).toBe("Free");
  });

  it("survives a code the browser does not know", () => {
    expect(priceLabel(500, "X1")).toBe("5 X1");
  });
});

describe("limitLabel", () => {
  it("says unlimited for zero", () => {
    expect(limitLabel(0, "users")).toBe("Unlimited users");
    expect(limitLabel(null, "users")).toBe("Unlimited users");
    expect(limitLabel(2500, "contacts")).toBe("2,500 contacts");
  });
});
