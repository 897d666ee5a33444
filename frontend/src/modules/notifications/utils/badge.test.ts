import { describe, expect, it } from "vitest";

import { badgeCount } from "./badge";

describe("badgeCount", () => {
  it("hides zero and caps large counts", () => {
    expect(badgeCount(undefined)).toBeNull();
    expect(badgeCount(0)).toBeNull();
    expect(badgeCount(7)).toBe("7");
    expect(badgeCount(100)).toBe("99+");
  });
});
