import { describe, expect, it } from "vitest";

import { companySubdomain, companyUrl, publicSiteUrl, siteKind } from "./host";
import { safeNextPath } from "./safeRedirect";

describe("siteKind", () => {
  it("is the public site on the apex and www", () => {
    expect(siteKind("localhost", "localhost")).toBe("public");
    expect(siteKind("www.example.com", "example.com")).toBe("public");
    expect(siteKind("Example.COM.", "example.com")).toBe("public");
  });

  it("guesses from the name when the build did not know the installation's domain", () => {
    expect(siteKind("example.com", "localhost")).toBe("public");
    expect(siteKind("www.example.com", "localhost")).toBe("public");
    expect(siteKind("acme.example.com", "localhost")).toBe("portal");
  });

  it("is a company's portal on a subdomain or a custom domain", () => {
    expect(siteKind("acme.localhost", "localhost")).toBe("portal");
    expect(siteKind("acme.example.com", "example.com")).toBe("portal");
    expect(siteKind("crm.acme.org", "example.com")).toBe("portal");
  });
});

describe("companySubdomain", () => {
  it("is the single label in front of the base domain", () => {
    expect(companySubdomain("acme.example.com", "example.com")).toBe("acme");
    expect(companySubdomain("www.example.com", "example.com")).toBeNull();
    expect(companySubdomain("a.b.example.com", "example.com")).toBeNull();
    expect(companySubdomain("acme.org", "example.com")).toBeNull();
  });
});

describe("urls between hosts", () => {
  it("keeps scheme and port", () => {
    const location = { protocol: "http:", port: "8000" };
    expect(companyUrl(location, "acme", "localhost", "/login")).toBe("http://acme.localhost:8000/login");
    expect(publicSiteUrl({ protocol: "https:", port: "" }, "example.com")).toBe("https://example.com/");
  });
});

describe("safeNextPath", () => {
  it("follows only paths on this site", () => {
    expect(safeNextPath("/settings/users?x=1")).toBe("/settings/users?x=1");
    expect(safeNextPath("//evil.example/")).toBe("/");
    expect(safeNextPath("/\\evil.example")).toBe("/");
    expect(safeNextPath("https://evil.example/")).toBe("/");
    expect(safeNextPath("/a\nb", "/home")).toBe("/home");
    expect(safeNextPath(null)).toBe("/");
  });
});
