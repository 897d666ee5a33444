import { describe, expect, it } from "vitest";

import { axisTicks, compactNumber, labelledIndexes, linearScale, niceCeiling } from "./scale";

describe("niceCeiling", () => {
  it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(11)).toBe(20);
    expect(niceCeiling(21)).toBe(25);
    expect(niceCeiling(250)).toBe(250);
    expect(niceCeiling(1234)).toBe(2000);
  });

  it("treats nonsense as an empty axis", () => {
    expect(niceCeiling(Number.NaN)).toBe(1);
    expect(niceCeiling(-5)).toBe(1);
  });
});

describe("axisTicks", () => {
  it("spreads ticks evenly up to a nice maximum", () => {
    expect(axisTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(axisTicks(100)).toEqual([0, 25, 50, 75, 100]);
  });

  it("keeps whole numbers for small counts", () => {
    expect(axisTicks(0)).toEqual([0, 1]);
    expect(axisTicks(2)).toEqual([0, 1, 2]);
    expect(axisTicks(5)).toEqual([0, 2, 4, 6]);
    expect(axisTicks(9)).toEqual([0, 5, 10]);
  });
});

describe("linearScale", () => {
  it("maps the domain onto the range and clamps outside values", () => {
    const scale = linearScale(40, 200);
    expect(scale(0)).toBe(0);
    expect(scale(10)).toBe(50);
    expect(scale(40)).toBe(200);
    expect(scale(80)).toBe(200);
    expect(scale(-3)).toBe(0);
  });

  it("draws nothing for an empty domain", () => {
    expect(linearScale(0, 200)(5)).toBe(0);
  });
});

describe("compactNumber", () => {
  it("shortens thousands and millions", () => {
    expect(compactNumber(950)).toBe("950");
    expect(compactNumber(1200)).toBe("1.2k");
    expect(compactNumber(3_000_000)).toBe("3M");
  });
});

describe("labelledIndexes", () => {
  it("labels every category when they fit, otherwise every n-th ending with the last", () => {
    expect([...labelledIndexes(3, 6)].sort((a, b) => a - b)).toEqual([0, 1, 2]);
    expect([...labelledIndexes(30, 6)].sort((a, b) => a - b)).toEqual([4, 9, 14, 19, 24, 29]);
    expect(labelledIndexes(0, 6).size).toBe(0);
  });
});
