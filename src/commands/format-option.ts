import { Option } from 'commander';
import { OUTPUT_FORMATS } from '../report/formats.js';

/** `--format`, as run, check and compare take it: commander checks the choice and says which are allowed. */
export function formatOption(description: string): Option {
  return new Option('--format <format>', description).choices(OUTPUT_FORMATS).default('table');
}
