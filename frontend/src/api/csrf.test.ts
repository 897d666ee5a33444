import { describe, expect, it } from "vitest";

import { csrfTokenEnsure, csrfTokenFromCookies, isUnsafeMethod, readCookie } from "./csrf";

describe("csrf", () => {
  it("reads the token among other cookies", () => {
    expect(csrfTokenFromCookies("theme=dark; atrium_csrftoken=abc123; other=1")).toBe("abc123");
  });

  it("does not mistake a cookie whose name only ends like it", () => {
    expect(csrfTokenFromCookies("xatrium_csrftoken=evil; atrium_csrftoken_old=old")).toBeNull();
  });

  it("decodes percent-encoded values and keeps undecodable ones", () => {
    expect(readCookie("a=x%20y", "a")).toBe("x y");
    expect(readCookie("a=%E0%A4%A", "a")).toBe("%E0%A4%A");
  });

  it("treats an empty cookie as missing", () => {
    expect(csrfTokenFromCookies("atrium_csrftoken=")).toBeNull();
  });

  it("knows which methods need the token", () => {
    expect(["GET", "head", "OPTIONS"].map(isUnsafeMethod)).toEqual([false, false, false]);
    expect(["POST", "put", "PATCH", "DELETE"].map(isUnsafeMethod)).toEqual([true, true, true, true]);
  });

  it("uses the cookie without asking the API when it is there", async () => {
    let asked = 0;
    const token = await csrfTokenEnsure(
      () => "atrium_csrftoken=present",
      async () => {
        asked += 1;
        return "fetched";
      },
    );
    expect(token).toBe("present");
    expect(asked).toBe(0);
  });

  it("asks the API once when the cookie is missing, then reads the cookie it set", async () => {
    let cookies = "";
    let asked = 0;
    const token = await csrfTokenEnsure(
      () => cookies,
      async () => {
        asked += 1;
        cookies = "atrium_csrftoken=from-cookie";
        return "from-body";
      },
    );
    expect(token).toBe("from-cookie");
    expect(asked).toBe(1);
  });

  it("reads the rotated token after login instead of a remembered one", async () => {
    let cookies = "atrium_csrftoken=before-login";
    const fetchToken = async () => null;
    const before = await csrfTokenEnsure(() => cookies, fetchToken);
    cookies = "atrium_csrftoken=after-login";
    const after = await csrfTokenEnsure(() => cookies, fetchToken);
    expect([before, after]).toEqual(["before-login", "after-login"]);
  });
});
