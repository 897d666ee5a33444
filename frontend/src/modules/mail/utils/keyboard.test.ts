import { describe, expect, it } from "vitest";

import { commandFor, listCursorReduce, type KeyPress, type ListCursor } from "./keyboard";

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  inEditable: false,
  ...extra,
});

describe("commandFor", () => {
  it("maps Gmail's keys", () => {
    expect(["j", "k", "o", "e", "#", "r", "a", "f", "c", "/"].map((key) => commandFor(press(key)))).toEqual([
      "next",
      "previous",
      "open",
      "archive",
      "delete",
      "reply",
      "replyAll",
      "forward",
      "compose",
      "search",
    ]);
  });

  it("ignores typing in a field, modified keys and unknown keys", () => {
    expect(commandFor(press("j", { inEditable: true }))).toBeNull();
    expect(commandFor(press("c", { ctrlKey: true }))).toBeNull();
    expect(commandFor(press("r", { metaKey: true }))).toBeNull();
    expect(commandFor(press("x"))).toBeNull();
    expect(commandFor(press("J"))).toBeNull();
  });
});

describe("listCursorReduce", () => {
  const ids = [10, 20, 30];
  const closed: ListCursor = { selectedId: null, openId: null };

  it("moves the cursor with j/k without opening, and stops at the ends", () => {
    let state = listCursorReduce(closed, { type: "next", ids });
    expect(state).toEqual({ selectedId: 10, openId: null });
    state = listCursorReduce(state, { type: "next", ids });
    state = listCursorReduce(state, { type: "next", ids });
    state = listCursorReduce(state, { type: "next", ids });
    expect(state).toEqual({ selectedId: 30, openId: null });
    state = listCursorReduce(state, { type: "previous", ids });
    expect(state).toEqual({ selectedId: 20, openId: null });
  });

  it("opens the message under the cursor, and then j/k open the next ones", () => {
    let state = listCursorReduce({ selectedId: 20, openId: null }, { type: "open", ids });
    expect(state).toEqual({ selectedId: 20, openId: 20 });
    state = listCursorReduce(state, { type: "next", ids });
    expect(state).toEqual({ selectedId: 30, openId: 30 });
    state = listCursorReduce(state, { type: "close", ids });
    expect(state).toEqual({ selectedId: 30, openId: null });
  });

  it("opens the first message when the cursor is nowhere, and nothing in an empty list", () => {
    expect(listCursorReduce(closed, { type: "open", ids })).toEqual({ selectedId: 10, openId: 10 });
    expect(listCursorReduce(closed, { type: "open", ids: [] })).toEqual({ selectedId: null, openId: null });
    expect(listCursorReduce(closed, { type: "next", ids: [] })).toEqual(closed);
  });

  it("restarts from the top when the selected message left the list", () => {
    expect(listCursorReduce({ selectedId: 99, openId: null }, { type: "next", ids })).toEqual({ selectedId: 10, openId: null });
  });

  it("selects on click, opening only when asked", () => {
    expect(listCursorReduce(closed, { type: "select", id: 30, open: true })).toEqual({ selectedId: 30, openId: 30 });
    expect(listCursorReduce({ selectedId: 10, openId: 10 }, { type: "select", id: 20, open: false })).toEqual({ selectedId: 20, openId: 10 });
  });

  it("moves on to the next message after one is removed, or the previous at the end", () => {
    expect(listCursorReduce({ selectedId: 20, openId: 20 }, { type: "removed", ids, removedId: 20 })).toEqual({ selectedId: 30, openId: 30 });
    expect(listCursorReduce({ selectedId: 30, openId: 30 }, { type: "removed", ids, removedId: 30 })).toEqual({ selectedId: 20, openId: 20 });
    expect(listCursorReduce({ selectedId: 10, openId: null }, { type: "removed", ids: [10], removedId: 10 })).toEqual({ selectedId: null, openId: null });
  });
});
