import type { SelectHTMLAttributes } from "react";

import { cx } from "../utils/cx";

export type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean };

export function Select({ invalid = false, className, children, ...rest }: SelectProps) {
  return (
    <select
      aria-invalid={invalid || undefined}
      className={cx(
        "block h-10 w-full rounded-lg border bg-white px-3 text-sm text-slate-900 shadow-sm focus:outline-2",
        invalid ? "border-red-400 focus:outline-red-500" : "border-slate-300 focus:outline-indigo-600",
        className,
      )}
      {...rest}
    >
      {children}
    </select>
  );
}
