import { readFileSync } from 'node:fs';

/** lr-compare's own version, from package.json (two levels above dist/<file>.js or src/<file>.ts). */
export const LR_COMPARE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
