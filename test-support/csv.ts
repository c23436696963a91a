import { CsvPass } from '../lib/csv/parse';
import type { CsvRow, CsvTally, CsvValidatorOptions } from '../lib/csv/validate';

type CheckOptions = Omit<CsvValidatorOptions, 'onRow' | 'keepIssues'> & { keepIssues?: number; maxBytes?: number };

/** A whole file at once through the same pass the upload uses: its tally, and every valid row. */
export function checkCsvBytes(bytes: Uint8Array, opts: CheckOptions): { tally: CsvTally; rows: CsvRow[] } {
  const rows: CsvRow[] = [];
  const pass = new CsvPass({ keepIssues: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, ...opts, onRow: (r) => rows.push(r) });
  pass.push(bytes);
  return { tally: pass.end(), rows };
}

export function checkCsvText(text: string, opts: CheckOptions): { tally: CsvTally; rows: CsvRow[] } {
  return checkCsvBytes(new TextEncoder().encode(text), opts);
}
