/** Number formats shared by the terminal table and the other reports. */

export function percent(value: number | null | undefined, digits = 2): string {
  if (value == null || !Number.isFinite(value)) return 'n/a';
  return `${(value * 100).toFixed(digits)}%`;
}

export function fixed(value: number | null | undefined, digits = 4): string {
  if (value == null || !Number.isFinite(value)) return 'n/a';
  return value.toFixed(digits);
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  // Below a minute one decimal; 59.96 would print as "60.0s", so it goes to the minute form.
  if (seconds < 59.95) return `${seconds.toFixed(1)}s`;
  // Round once, to whole seconds, before splitting: rounding the remainder alone printed 119.6 s as "1m60s".
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
