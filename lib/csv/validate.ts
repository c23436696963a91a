import { displayId, trimId, userIdProblem, type UserIdProblemCode } from '../user-ids';
import { ATTRS_COLUMN_NAMES, MAX_CSV_COLUMNS, MAX_CSV_LINE_BYTES, MAX_CSV_ROWS, MAX_ISSUES_KEPT, USER_COLUMN_NAMES } from './limits';

/**
 * Why one row is invalid. The words are in messages/<lang>/csv.json, keyed by the part after
 * `csv.`; the parameters each code carries:
 * - `csv.idEmpty`, `csv.noAttrs`, `csv.badQuotes`: none
 * - `csv.idControlChars`: `id`; `csv.idTooLong`: `id`, `bytes`, `max` (IDs as displayId shows them:
 *   shortened, invisible characters written as `<U+202E>`)
 * - `csv.idInvalidUtf8`, `csv.idC1Control`, `csv.idBidiControl`, `csv.idZeroWidth`: `id`, and the
 *   first such character as `char` (`U+202E`) and `at`, its 1-based code-point position in the ID
 * - `csv.unknownAttrs`: `names` (each quoted and shortened, comma-separated: ICU has no lists),
 *   `count`, and the app's own `known` names with their `knownCount`
 * - `csv.extraValues`: `values` found on a header-less line
 * - `csv.lineTooLong`: `bytes` of the record and the `max`; `csv.tooManyColumns`: `columns` and the
 *   `max` (see MAX_CSV_LINE_BYTES, MAX_CSV_COLUMNS; checked before anything else, even on blank lines)
 * - `csv.parseError`: `detail`, the CSV reader's own (English) message
 */
export const CSV_PROBLEM_CODES = [
  'csv.idEmpty',
  'csv.idControlChars',
  'csv.idInvalidUtf8',
  'csv.idC1Control',
  'csv.idBidiControl',
  'csv.idZeroWidth',
  'csv.idTooLong',
  'csv.unknownAttrs',
  'csv.extraValues',
  'csv.lineTooLong',
  'csv.tooManyColumns',
  'csv.noAttrs',
  'csv.badQuotes',
  'csv.parseError',
] as const;

export type CsvProblemCode = (typeof CSV_PROBLEM_CODES)[number];

/**
 * Why the whole file cannot be used: `csv.empty` (no rows), `csv.tooManyRows` (`max`),
 * `csv.tooLarge` (`mib`, `maxMib`), `csv.unreadable` (`detail`, the browser's own message).
 * These are also use-case error codes (lib/use-cases/result.ts), so the server's refusal of a file
 * reads the same as the preview's.
 */
export const CSV_FATAL_CODES = ['csv.empty', 'csv.tooManyRows', 'csv.tooLarge', 'csv.unreadable'] as const;

export type CsvFatalCode = (typeof CSV_FATAL_CODES)[number];

export type CsvParams = Record<string, string | number>;

export interface CsvIssue {
  line: number;
  code: CsvProblemCode;
  params?: CsvParams;
}

export interface CsvFatal {
  code: CsvFatalCode;
  params?: CsvParams;
}

const ID_PROBLEM: Record<UserIdProblemCode, CsvProblemCode> = {
  'userIds.empty': 'csv.idEmpty',
  'userIds.controlChars': 'csv.idControlChars',
  'userIds.invalidUtf8': 'csv.idInvalidUtf8',
  'userIds.c1Control': 'csv.idC1Control',
  'userIds.bidiControl': 'csv.idBidiControl',
  'userIds.zeroWidth': 'csv.idZeroWidth',
  'userIds.tooLong': 'csv.idTooLong',
};

export interface CsvTarget {
  account: string;
  attrs: readonly string[];
}

/** The valid users as targets, lazily, so a million of them are never copied into an array. */
export function* targetsOf(users: ReadonlyMap<string, readonly string[]>): Generator<CsvTarget> {
  for (const [account, attrs] of users) yield { account, attrs };
}

export interface CsvValidation {
  /** Data rows read (blank lines and the header excluded). */
  rowsRead: number;
  hasHeader: boolean;
  /**
   * Valid, unique users in file order → the union of their rows' attributes. A Map rather than an
   * array of objects: at a million users the difference is tens of megabytes.
   */
  users: ReadonlyMap<string, readonly string[]>;
  /** Rows merged into an earlier row for the same user. */
  duplicateRows: number;
  invalidRows: number;
  /** The first MAX_ISSUES_KEPT invalid rows, by line. */
  issues: CsvIssue[];
  /** Set when the file cannot be used at all (no rows, over a limit, unreadable). */
  fatal: CsvFatal | null;
}

/**
 * SPEC's CSV rules, fed one parsed record at a time, so the browser preview and the server (the
 * real gate) apply exactly the same checks to a stream of up to a million rows.
 */
export class CsvValidator {
  private line = 1;
  private header: { user: number; attrs: number | null } | null | undefined;
  private rowsRead = 0;
  private duplicateRows = 0;
  private invalidRows = 0;
  private readonly issues: CsvIssue[] = [];
  private readonly users = new Map<string, string[]>();
  /** Identical attribute lists share one array: a million rows usually carry a handful of distinct lists. */
  private readonly attrLists = new Map<string, string[]>();
  private fatal: CsvFatal | null = null;
  private readonly known: Set<string>;
  /** The app's names as the `known` parameter of `csv.unknownAttrs`, joined once rather than per row. */
  private readonly knownList: string;

  constructor(
    knownAttrs: readonly string[],
    private readonly pickedAttrs: readonly string[],
  ) {
    this.known = new Set(knownAttrs);
    this.knownList = [...this.known].join(', ');
  }

  /** False once the file is beyond use, so the caller can stop reading. */
  get acceptsMore(): boolean {
    return this.fatal === null;
  }

  /**
   * One record as the CSV parser produced it. Line numbers are counted here from the line breaks
   * inside quoted cells, so they match what an editor shows even for multi-line cells.
   */
  addRecord(cells: string[], parseError?: Omit<CsvIssue, 'line'>): void {
    const line = this.line;
    this.line += 1 + cells.reduce((n, c) => n + countNewlines(c), 0);
    if (this.fatal) return;

    // A record over a limit is invalid wherever it is, and none of its cells is looked at again.
    const oversize = oversized(cells);
    // The BOM is gone by now: FileReader and Blob.text() drop it when they decode, and papaparse
    // drops a leading U+FEFF from a string. Any U+FEFF left is refused in an ID, so it is no space.
    if (!oversize && !parseError && cells.every((c) => trimId(c) === '')) return;

    if (this.header === undefined) {
      // An oversized first record is a row, not a header: the file is read without one.
      this.header = oversize ? null : detectHeader(cells);
      if (this.header) return;
    }

    this.rowsRead++;
    if (this.rowsRead > MAX_CSV_ROWS) {
      this.fatal = { code: 'csv.tooManyRows', params: { max: MAX_CSV_ROWS } };
      return;
    }
    if (oversize) return this.invalid(line, oversize.code, oversize.params);
    if (parseError) return this.invalid(line, parseError.code, parseError.params);

    const { account, attrsCell, extra } = this.pick(cells);
    const problem = userIdProblem(account);
    if (problem) {
      return this.invalid(line, ID_PROBLEM[problem.code], problem.code === 'userIds.empty' ? undefined : { id: displayId(account), ...problem.params });
    }
    if (extra > 0) return this.invalid(line, 'csv.extraValues', { values: extra + 1 });

    const own = attrsCell === null ? [] : splitAttrs(attrsCell);
    const unknown = own.filter((a) => !this.known.has(a));
    if (unknown.length > 0) {
      return this.invalid(line, 'csv.unknownAttrs', {
        names: unknown.map((a) => `"${displayId(a)}"`).join(', '),
        count: unknown.length,
        known: this.knownList,
        knownCount: this.known.size,
      });
    }
    const attrs = own.length > 0 ? own : [...this.pickedAttrs];
    if (attrs.length === 0) return this.invalid(line, 'csv.noAttrs');

    const earlier = this.users.get(account);
    if (earlier) {
      this.duplicateRows++;
      this.users.set(account, this.intern([...new Set([...earlier, ...attrs])]));
    } else {
      this.users.set(account, this.intern(attrs));
    }
  }

  /** The parser itself gave up (unreadable input); `detail` is the reader's own message. */
  fail(detail: string): void {
    this.fatal ??= { code: 'csv.unreadable', params: { detail } };
  }

  finish(): CsvValidation {
    if (this.header === undefined && !this.fatal) this.fatal = { code: 'csv.empty' };
    return {
      rowsRead: Math.min(this.rowsRead, MAX_CSV_ROWS),
      hasHeader: Boolean(this.header),
      users: this.fatal ? new Map() : this.users,
      duplicateRows: this.duplicateRows,
      invalidRows: this.invalidRows,
      issues: this.issues,
      fatal: this.fatal,
    };
  }

  private pick(cells: string[]): { account: string; attrsCell: string | null; extra: number } {
    if (this.header) {
      const attrsCell = this.header.attrs === null ? null : (cells[this.header.attrs] ?? '');
      return { account: trimId(cells[this.header.user] ?? ''), attrsCell, extra: 0 };
    }
    return { account: trimId(cells[0] ?? ''), attrsCell: null, extra: cells.slice(1).filter((c) => trimId(c) !== '').length };
  }

  private invalid(line: number, code: CsvProblemCode, params?: CsvParams): void {
    this.invalidRows++;
    if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push(params ? { line, code, params } : { line, code });
  }

  private intern(attrs: string[]): string[] {
    const key = attrs.join('\u0000');
    const known = this.attrLists.get(key);
    if (known) return known;
    this.attrLists.set(key, attrs);
    return attrs;
  }
}

/** `csv.tooManyColumns` or `csv.lineTooLong` for a record over SPEC's limits, else null. */
function oversized(cells: string[]): Omit<CsvIssue, 'line'> | null {
  if (cells.length > MAX_CSV_COLUMNS) return { code: 'csv.tooManyColumns', params: { columns: cells.length, max: MAX_CSV_COLUMNS } };
  const commas = Math.max(0, cells.length - 1);
  let units = commas;
  for (const c of cells) units += c.length;
  // A UTF-16 unit is at most 3 bytes of UTF-8: most records are cleared without counting bytes.
  if (units * 3 <= MAX_CSV_LINE_BYTES) return null;
  let bytes = commas;
  for (const c of cells) bytes += utf8Length(c);
  return bytes > MAX_CSV_LINE_BYTES ? { code: 'csv.lineTooLong', params: { bytes, max: MAX_CSV_LINE_BYTES } } : null;
}

/** UTF-8 bytes of a string as TextEncoder would write it (an unpaired surrogate as the 3 bytes of U+FFFD), without encoding it. */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 2 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function detectHeader(cells: string[]): { user: number; attrs: number | null } | null {
  const names = cells.map((c) => c.trim().toLowerCase());
  const user = names.findIndex((n) => (USER_COLUMN_NAMES as readonly string[]).includes(n));
  if (user < 0) return null;
  const attrs = names.findIndex((n) => (ATTRS_COLUMN_NAMES as readonly string[]).includes(n));
  return { user, attrs: attrs < 0 ? null : attrs };
}

export function splitAttrs(cell: string): string[] {
  return [...new Set(cell.split(/[;|]/).map(trimId).filter((a) => a !== ''))];
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
