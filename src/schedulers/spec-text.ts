/**
 * Text helpers of the spec grammar that composites need at build time. A module
 * of its own (no registry import), so compose.ts can use it without an import cycle.
 */
import { ScheduleSpecError } from '../errors.js';

/** The key under which a composite keeps its parts (`schedulers`), as `SPEC; SPEC`. */
export const PARTS_KEY = 'schedulers';

/**
 * Splits `text` at `separator` where it is not inside parentheses. Throws on
 * unbalanced parentheses.
 */
export function splitTopLevel(text: string, separator: string, where: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth < 0) throw new ScheduleSpecError(`${where}: unbalanced ')' in '${text}'`, { code: 'syntax' });
    } else if (char === separator && depth === 0) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new ScheduleSpecError(`${where}: unbalanced '(' in '${text}'`, { code: 'syntax' });
  pieces.push(text.slice(start));
  return pieces;
}

