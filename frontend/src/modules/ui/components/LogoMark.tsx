export function LogoMark({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="8" className="fill-indigo-600" />
      <path d="M9 23 16 8l7 15h-4.2L16 16.6 13.2 23Z" className="fill-white" />
    </svg>
  );
}
