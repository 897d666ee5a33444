import { describe, expect, it } from "vitest";

import { nextCursor } from "./pagination";

describe("nextCursor", () => {
  it("reads the cursor of an absolute or relative next URL", () => {
    expect(nextCursor("http://acme.localhost:8000/api/users?cursor=cD0xMDA%3D&page_size=100")).toBe("cD0xMDA=");
    expect(nextCursor("/api/users?page_size=100&cursor=abc")).toBe("abc");
  });

  it("is undefined on the last page or without a cursor", () => {
    expect(nextCursor(null)).toBeUndefined();
    expect(nextCursor(undefined)).toBeUndefined();
    expect(nextCursor("")).toBeUndefined();
    expect(nextCursor("/api/users?page_size=100")).toBeUndefined();
  });
});
