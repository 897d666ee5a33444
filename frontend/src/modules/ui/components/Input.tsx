import type { InputHTMLAttributes, Ref } from "react";

import { cx } from "../utils/cx";

export type InputProps = InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean; ref?: Ref<HTMLInputElement> };

export function Input({ invalid = false, className, ...rest }: InputProps) {
  return (
    <input
      aria-invalid={invalid || undefined}
      className={cx(
        "block h-10 w-full rounded-lg border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-400",
        "focus:outline-2 focus:outline-offset-0 disabled:bg-slate-50 disabled:text-slate-500",
        invalid ? "border-red-400 focus:outline-red-500" : "border-slate-300 focus:outline-indigo-600",
        className,
      )}
      {...rest}
    />
  );
}
