import Papa from 'papaparse';
import { MAX_CSV_BYTES } from './limits';
import { CsvValidator, type CsvIssue, type CsvValidation } from './validate';

const PARSE_CONFIG = {
  delimiter: ',',
  quoteChar: '"',
  header: false,
  // Blank lines reach the validator so it can count lines; it skips them itself.
  skipEmptyLines: false,
} as const;

const MIB = 1024 * 1024;

function tooLarge(bytes: number): CsvValidation | null {
  if (bytes <= MAX_CSV_BYTES) return null;
  return {
    rowsRead: 0,
    hasHeader: false,
    users: new Map(),
    duplicateRows: 0,
    invalidRows: 0,
    issues: [],
    fatal: { code: 'csv.tooLarge', params: { mib: Math.round((bytes / MIB) * 10) / 10, maxMib: MAX_CSV_BYTES / MIB } },
  };
}

function rowError(errors: Papa.ParseError[]): Omit<CsvIssue, 'line'> | undefined {
  const first = errors[0];
  if (!first) return undefined;
  return first.type === 'Quotes' ? { code: 'csv.badQuotes' } : { code: 'csv.parseError', params: { detail: first.message } };
}

/** Server side (and tests): the whole upload is already in memory as text. */
export function validateCsvText(text: string, knownAttrs: readonly string[], pickedAttrs: readonly string[]): CsvValidation {
  const over = tooLarge(Buffer.byteLength(text, 'utf8'));
  if (over) return over;
  const v = new CsvValidator(knownAttrs, pickedAttrs);
  Papa.parse<string[]>(text, {
    ...PARSE_CONFIG,
    // Without chunks, papaparse splits the whole text into lines up front: a million strings at once.
    chunkSize: 1024 * 1024,
    step(results, parser) {
      v.addRecord(results.data, rowError(results.errors));
      if (!v.acceptsMore) parser.abort();
    },
  });
  return v.finish();
}

/** Browser side: streams the File in chunks so a 64 MiB upload never blocks the page for long. */
export function validateCsvFile(
  file: File,
  knownAttrs: readonly string[],
  pickedAttrs: readonly string[],
  onProgress?: (fraction: number) => void,
): Promise<CsvValidation> {
  const over = tooLarge(file.size);
  if (over) return Promise.resolve(over);
  const v = new CsvValidator(knownAttrs, pickedAttrs);
  let rows = 0;
  return new Promise((resolve) => {
    Papa.parse<string[]>(file, {
      ...PARSE_CONFIG,
      step(results, parser) {
        v.addRecord(results.data, rowError(results.errors));
        if (!v.acceptsMore) parser.abort();
        if (onProgress && ++rows % 5000 === 0) onProgress(Math.min(1, results.meta.cursor / Math.max(1, file.size)));
      },
      complete: () => resolve(v.finish()),
      error: (err) => {
        v.fail(`The file could not be read: ${err.message}`);
        resolve(v.finish());
      },
    });
  });
}
