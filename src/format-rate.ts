/**
 * How a learning rate is written everywhere (range-test messages, suggestions, tables, progress): a leaf so
 * the engine's messages and the report's tables print rates the same way without the engine importing report/.
 */

/**
 * Learning rates span decades: 0.1, 0.00312, 1.2e-7 with 4 significant digits (the default); narrow tables
 * ask for 3 (0.0698, 3.8e-3). Between 1e-3 and 1e4 a plain number, otherwise exponent notation.
 */
export function rate(value: number | null | undefined, significantDigits = 4): string {
  if (value == null || !Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e4 ? String(Number(value.toPrecision(significantDigits))) : value.toExponential(significantDigits - 2);
}
