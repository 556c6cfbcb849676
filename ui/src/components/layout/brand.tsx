/** The product's name and mark. */
export function Brand() {
  return (
    <span className="flex items-center gap-2 text-lg font-semibold tracking-tight">
      <svg viewBox="0 0 24 24" className="size-6 text-primary" aria-hidden="true" fill="currentColor">
        <path d="M12 2 3 7v6c0 5 3.8 8.7 9 9 5.2-.3 9-4 9-9V7l-9-5Zm0 4.2a3 3 0 0 1 3 3v2.6a3 3 0 0 1-6 0V9.2a3 3 0 0 1 3-3ZM7.5 12h1.2a3.3 3.3 0 0 0 6.6 0h1.2a4.5 4.5 0 0 1-3.9 4.4V18h-1.2v-1.6A4.5 4.5 0 0 1 7.5 12Z" />
      </svg>
      Glyphoxa
    </span>
  );
}
