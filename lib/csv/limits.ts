/** SPEC "CSV format": the most one upload may hold (CSV_MAX_ROWS, CSV_MAX_BYTES). Pages pass them to the browser. */
export interface CsvLimits {
  maxRows: number;
  maxBytes: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRows: 10_000_000, maxBytes: 1024 ** 3 };
/**
 * SPEC "CSV format": a line over 4 KiB or a row over 100 columns is invalid. The bytes are the
 * record's cells in UTF-8 and the commas between them (quotes and the line break not counted).
 */
export const MAX_CSV_LINE_BYTES = 4 * 1024;
export const MAX_CSV_COLUMNS = 100;
/** Invalid rows stored with their reason, for the download; beyond this only the count grows. */
export const MAX_ISSUES_KEPT = 100_000;
/** Invalid rows shown on the page; the full list is a download. */
export const ISSUES_SHOWN = 100;

export const USER_COLUMN_NAMES = ['to_account', 'user', 'userid', 'user_id', 'account'] as const;
export const ATTRS_COLUMN_NAMES = ['attrs', 'attributes'] as const;
