"use client";

import { useEffect, useRef } from "react";

import { commandFor, isEditableTarget, type Command } from "../utils/keyboard";

/** Calls `onCommand` for Gmail's shortcut keys pressed anywhere on the page except in a text field. */
export function useMailShortcuts(onCommand: (command: Command) => boolean) {
  const handler = useRef(onCommand);
  useEffect(() => {
    handler.current = onCommand;
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      const command = commandFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        inEditable: isEditableTarget(event.target),
      });
      // Enter on a focused button or link is the browser's own; only the other keys are ours there.
      if (command === "open" && event.key === "Enter" && event.target instanceof HTMLElement && event.target.closest("button, a")) return;
      if (command && handler.current(command)) event.preventDefault();
    };
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);
}
