import { describe, expect, it } from "vitest";

import { subdomainProblem, subdomainSuggest } from "./subdomain";

describe("subdomainSuggest", () => {
  it("turns a company name into an address", () => {
    expect(subdomainSuggest("Acme Corp")).toBe("acme-corp");
    expect(subdomainSuggest("  Müller & Söhne GmbH! ")).toBe("muller-sohne-gmbh");
    expect(subdomainSuggest("---")).toBe("");
  });

  it("keeps within the length limit without a trailing hyphen", () => {
    const suggestion = subdomainSuggest(`${"a".repeat(62)} b`);
    expect(suggestion).toBe("a".repeat(62));
  });
});

describe("subdomainProblem", () => {
  it("accepts plausible names and leaves the rest to the API", () => {
    expect(subdomainProblem("acme-2")).toBeNull();
    expect(subdomainProblem("")).toBeNull();
  });

  it("explains what cannot work", () => {
    expect(subdomainProblem("Acme")).toBe("Use only lowercase letters, digits and hyphens.");
    expect(subdomainProblem("-acme")).toBe("Start and end with a letter or digit.");
    expect(subdomainProblem("a".repeat(64))).toBe("Use at most 63 characters.");
  });
});
