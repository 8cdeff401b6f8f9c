/**
 * Numbers are read one way everywhere (options, scheduler specs, --metrics,
 * config files): decimal notation with an optional exponent. Hex, octal and
 * binary literals, Infinity/NaN and the empty string (which Number() reads
 * as 0) are refused. Messages echo what the user wrote and are plain text,
 * so that each caller can wrap them in its own error type.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

export type NumberReading = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly problem: string };

/** Reads a decimal number; `problem` is "expected a number, got 'x'" or "1e999 is not a finite number". */
export function readDecimal(text: string): NumberReading {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return { ok: false, problem: `expected a number, got '${text}'` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, problem: `${trimmed} is not a finite number` };
  return { ok: true, value };
}

/** Reads a whole number written in decimal (1e3 is 1000); non-finite values are left to the caller's range check. */
export function readWholeNumber(text: string): NumberReading {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return { ok: false, problem: `expected a whole number, got '${text}'` };
  const value = Number(trimmed);
  if (Number.isFinite(value) && !Number.isInteger(value)) return { ok: false, problem: `expected a whole number, got '${text}'` };
  return { ok: true, value };
}

/**
 * The number literals of a JSON text that do not fit in a double (`1e999`),
 * which JSON.parse turns into Infinity and JSON.stringify then shows as null.
 * Strings are skipped, so a number inside text is not looked at.
 */
export function firstNonFiniteJsonNumber(json: string): string | undefined {
  const token = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  for (let match = token.exec(json); match !== null; match = token.exec(json)) {
    const text = match[0];
    if (text.startsWith('"')) continue;
    if (!Number.isFinite(Number(text))) return text;
  }
  return undefined;
}
