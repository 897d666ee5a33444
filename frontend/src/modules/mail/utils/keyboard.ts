// Gmail's keyboard shortcuts: which key means which command, and how j/k/o move through the message list.

export type Command =
  | "next"
  | "previous"
  | "open"
  | "close"
  | "archive"
  | "delete"
  | "reply"
  | "replyAll"
  | "forward"
  | "compose"
  | "search";

const KEYS: Record<string, Command> = {
  j: "next",
  k: "previous",
  o: "open",
  Enter: "open",
  Escape: "close",
  u: "close",
  e: "archive",
  "#": "delete",
  r: "reply",
  a: "replyAll",
  f: "forward",
  c: "compose",
  "/": "search",
};

export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** true when the key went to a text field, a select or a contenteditable (typing there is not a shortcut) */
  inEditable: boolean;
};

/** The command of a key press, or null when it is no shortcut (typing in a field, a modifier held). */
export function commandFor(press: KeyPress): Command | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (press.inEditable) return null;
  return KEYS[press.key] ?? null;
}

export function isEditableTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
}

/** Where the list's cursor is (`selectedId`) and which message the reading pane shows (`openId`). */
export type ListCursor = { selectedId: number | null; openId: number | null };

export type CursorAction =
  | { type: "next" | "previous" | "open" | "close"; ids: readonly number[] }
  | { type: "select"; id: number; open: boolean }
  | { type: "removed"; ids: readonly number[]; removedId: number };

function step(ids: readonly number[], current: number | null, delta: 1 | -1): number | null {
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index === -1) return ids[0] ?? null;
  const target = Math.min(ids.length - 1, Math.max(0, index + delta));
  return ids[target] ?? null;
}

/**
 * j/k move the cursor; while a message is open they open the next/previous one instead, as Gmail does.
 * o/Enter open the message under the cursor; Escape/u close the reading pane.
 */
export function listCursorReduce(state: ListCursor, action: CursorAction): ListCursor {
  switch (action.type) {
    case "next":
    case "previous": {
      const selectedId = step(action.ids, state.selectedId, action.type === "next" ? 1 : -1);
      return { selectedId, openId: state.openId === null ? null : selectedId };
    }
    case "open": {
      const selectedId = state.selectedId !== null && action.ids.includes(state.selectedId) ? state.selectedId : (action.ids[0] ?? null);
      return { selectedId, openId: selectedId };
    }
    case "close":
      return { ...state, openId: null };
    case "select":
      return { selectedId: action.id, openId: action.open ? action.id : state.openId };
    case "removed": {
      // After archiving or deleting, the cursor moves on to the next message (or the previous at the end).
      const index = action.ids.indexOf(action.removedId);
      const rest = action.ids.filter((id) => id !== action.removedId);
      const selectedId = index === -1 ? state.selectedId : (rest[Math.min(index, rest.length - 1)] ?? null);
      return { selectedId, openId: state.openId === action.removedId ? selectedId : state.openId };
    }
  }
}
