import { displayId, trimId, userIdProblem, type UserIdProblemCode } from '../user-ids';
import { ATTRS_COLUMN_NAMES, USER_COLUMN_NAMES } from './limits';

/**
 * Why one row is invalid. The words are in messages/<lang>/csv.json, keyed by the part after
 * `csv.`; the parameters each code carries:
 * - `csv.idEmpty`, `csv.badQuotes` (text after a closing quote, or a quote never closed): none
 * - `csv.idControlChars`: `id`; `csv.idTooLong`: `id`, `bytes`, `max` (IDs as displayId shows them:
 *   shortened, invisible characters written as `<U+202E>`)
 * - `csv.idInvalidUtf8`, `csv.idC1Control`, `csv.idBidiControl`, `csv.idZeroWidth`: `id`, and the
 *   first such character as `char` (`U+202E`) and `at`, its 1-based code-point position in the ID
 * - `csv.unknownAttrs`: `names` (each quoted and shortened, comma-separated: ICU has no lists),
 *   `count`, and the app's own `known` names with their `knownCount`
 * - `csv.extraValues`: `values` found on a header-less line
 * - `csv.lineTooLong`: `bytes` of the record and the `max`; `csv.tooManyColumns`: `columns` and the
 *   `max` (see MAX_CSV_LINE_BYTES, MAX_CSV_COLUMNS; the reader checks them before anything else)
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
  'csv.badQuotes',
] as const;

export type CsvProblemCode = (typeof CSV_PROBLEM_CODES)[number];

/**
 * Why the whole file cannot be used: `csv.empty` (no rows), `csv.tooManyRows` (`max`),
 * `csv.tooLarge` (`mib`, `maxMib`), `csv.unreadable` (`detail`, the browser's own message).
 * These are also use-case error codes (lib/errors.ts), so the server's refusal of a file
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

const NO_ATTRS: readonly string[] = [];
/** Distinct attribute cells remembered; a hostile file of ever-new cells is still split, just not kept. */
const MAX_DISTINCT_CELLS = 1_000;

/** Distinct attribute sets counted one by one; rows naming any further set are counted together. */
export const MAX_ATTR_SETS = 20;

const ID_PROBLEM: Record<UserIdProblemCode, CsvProblemCode> = {
  'userIds.empty': 'csv.idEmpty',
  'userIds.controlChars': 'csv.idControlChars',
  'userIds.invalidUtf8': 'csv.idInvalidUtf8',
  'userIds.c1Control': 'csv.idC1Control',
  'userIds.bidiControl': 'csv.idBidiControl',
  'userIds.zeroWidth': 'csv.idZeroWidth',
  'userIds.tooLong': 'csv.idTooLong',
};

/**
 * One valid row. `attrs` are the ones the row names; a row that names none takes the attributes
 * picked on the page when the run starts (`withPicked`), so the file is read once, whatever is
 * picked before or after it arrives.
 */
export interface CsvRow {
  line: number;
  account: string;
  attrs: readonly string[];
  withPicked: boolean;
}

/** Valid rows that name the same attributes, in any order. */
export interface AttrSet {
  /** Sorted. */
  attrs: string[];
  rows: number;
}

/** What one pass over a file found, besides its rows. */
export interface CsvTally {
  /** Data rows read (blank lines and the header excluded). */
  rowsRead: number;
  hasHeader: boolean;
  invalidRows: number;
  /** Valid rows, before a user's repeated rows are merged. */
  validRows: number;
  /** Valid rows that name no attributes: they need some picked on the page. */
  rowsWithoutAttrs: number;
  /** Every attribute the valid rows name. */
  attrs: string[];
  /** The sets of attributes rows name, largest first: at most MAX_ATTR_SETS. */
  attrSets: AttrSet[];
  /** Rows that name a set beyond the first MAX_ATTR_SETS. */
  otherAttrSetRows: number;
  /** The first invalid rows, by line (as many as the validator was asked to keep). */
  issues: CsvIssue[];
  /** Set when the file cannot be used at all (no rows, over a limit, unreadable). */
  fatal: CsvFatal | null;
}

export interface CsvValidatorOptions {
  knownAttrs: readonly string[];
  /** CSV_MAX_ROWS: one more data row makes the whole file `csv.tooManyRows`. */
  maxRows: number;
  /** Invalid rows kept in the tally; every one still goes to `onIssue`. */
  keepIssues: number;
  onRow(row: CsvRow): void;
  onIssue?(issue: CsvIssue): void;
}

/**
 * SPEC's CSV rules, fed one record at a time by the CSV reader, so the browser preview and the
 * server (the real gate) apply exactly the same checks to a stream of up to ten million rows. It
 * keeps no rows itself: its caller counts, merges or stores them as they come.
 */
export class CsvValidator {
  private header: { user: number; attrs: number | null } | null | undefined;
  private rowsRead = 0;
  private invalidRows = 0;
  private validRows = 0;
  private rowsWithoutAttrs = 0;
  private readonly issues: CsvIssue[] = [];
  private readonly attrLists = new Map<string, readonly string[]>();
  /** A cell's array (shared by every row with that cell) to its set, so a row costs one lookup. */
  private readonly setOfList = new Map<readonly string[], AttrSet | null>();
  private readonly attrSets = new Map<string, AttrSet>();
  private otherAttrSetRows = 0;
  /** Every name valid rows give: known names only, so a handful. */
  private readonly namedAttrs = new Set<string>();
  private fatal: CsvFatal | null = null;
  private readonly known: Set<string>;
  /** The app's names as the `known` parameter of `csv.unknownAttrs`, joined once rather than per row. */
  private readonly knownList: string;

  constructor(private readonly opts: CsvValidatorOptions) {
    this.known = new Set(opts.knownAttrs);
    this.knownList = [...this.known].join(', ');
  }

  /** False once the file is beyond use, so the caller can stop reading. */
  get acceptsMore(): boolean {
    return this.fatal === null;
  }

  /** One record as the CSV reader produced it, with the line it starts on and any problem the reader found. */
  addRecord(line: number, cells: readonly string[], problem?: Omit<CsvIssue, 'line'>): void {
    if (this.fatal) return;
    // The reader drops the one BOM a file may start with; any U+FEFF left is refused in an ID, so it is no space.
    if (!problem && cells.every((c) => trimId(c) === '')) return;

    if (this.header === undefined) {
      // A first record the reader refused is a row, not a header: the file is read without one.
      this.header = problem ? null : detectHeader(cells);
      if (this.header) return;
    }

    this.rowsRead++;
    if (this.rowsRead > this.opts.maxRows) {
      this.fatal = { code: 'csv.tooManyRows', params: { max: this.opts.maxRows } };
      return;
    }
    if (problem) return this.invalid(line, problem.code, problem.params);

    const { account, attrsCell, extra } = this.pick(cells);
    const idProblem = userIdProblem(account);
    if (idProblem) {
      return this.invalid(line, ID_PROBLEM[idProblem.code], idProblem.code === 'userIds.empty' ? undefined : { id: displayId(account), ...idProblem.params });
    }
    if (extra > 0) return this.invalid(line, 'csv.extraValues', { values: extra + 1 });

    const own = attrsCell === null ? NO_ATTRS : this.attrsOf(attrsCell);
    const unknown = own.filter((a) => !this.known.has(a));
    if (unknown.length > 0) {
      return this.invalid(line, 'csv.unknownAttrs', {
        names: unknown.map((a) => `"${displayId(a)}"`).join(', '),
        count: unknown.length,
        known: this.knownList,
        knownCount: this.known.size,
      });
    }
    this.validRows++;
    if (own.length === 0) this.rowsWithoutAttrs++;
    else this.countSet(own);
    for (const a of own) this.namedAttrs.add(a);
    this.opts.onRow({ line, account, attrs: own, withPicked: own.length === 0 });
  }

  /** The reader itself gave up (unreadable input); `detail` is the reader's own message. */
  fail(detail: string): void {
    this.fatal ??= { code: 'csv.unreadable', params: { detail } };
  }

  /** Stops the pass with a file-wide refusal found outside the rows (a byte limit). */
  refuse(fatal: CsvFatal): void {
    this.fatal ??= fatal;
  }

  finish(): CsvTally {
    if (this.header === undefined && !this.fatal) this.fatal = { code: 'csv.empty' };
    return {
      rowsRead: Math.min(this.rowsRead, this.opts.maxRows),
      hasHeader: Boolean(this.header),
      invalidRows: this.invalidRows,
      validRows: this.validRows,
      rowsWithoutAttrs: this.rowsWithoutAttrs,
      attrs: [...this.namedAttrs],
      attrSets: [...this.attrSets.values()].sort((a, b) => b.rows - a.rows || a.attrs.join(';').localeCompare(b.attrs.join(';'))),
      otherAttrSetRows: this.otherAttrSetRows,
      issues: this.issues,
      fatal: this.fatal,
    };
  }

  private pick(cells: readonly string[]): { account: string; attrsCell: string | null; extra: number } {
    if (this.header) {
      const attrsCell = this.header.attrs === null ? null : (cells[this.header.attrs] ?? '');
      return { account: trimId(cells[this.header.user] ?? ''), attrsCell, extra: 0 };
    }
    let extra = 0;
    for (let i = 1; i < cells.length; i++) if (trimId(cells[i]!) !== '') extra++;
    return { account: trimId(cells[0] ?? ''), attrsCell: null, extra };
  }

  private invalid(line: number, code: CsvProblemCode, params?: CsvParams): void {
    this.invalidRows++;
    const issue = params ? { line, code, params } : { line, code };
    if (this.issues.length < this.opts.keepIssues) this.issues.push(issue);
    this.opts.onIssue?.(issue);
  }

  private countSet(own: readonly string[]): void {
    let set = this.setOfList.get(own);
    if (set === undefined) {
      const attrs = [...new Set(own)].sort();
      const key = attrs.join('\n');
      set = this.attrSets.get(key) ?? null;
      if (!set && this.attrSets.size < MAX_ATTR_SETS) this.attrSets.set(key, (set = { attrs, rows: 0 }));
      if (this.setOfList.size < MAX_DISTINCT_CELLS) this.setOfList.set(own, set);
    }
    if (set) set.rows++;
    else this.otherAttrSetRows++;
  }

  /**
   * A cell's attribute names, split once per distinct cell: ten million rows usually carry a
   * handful of distinct cells, and rows with the same cell share one array.
   */
  private attrsOf(cell: string): readonly string[] {
    const known = this.attrLists.get(cell);
    if (known) return known;
    const attrs = splitAttrs(cell);
    if (this.attrLists.size < MAX_DISTINCT_CELLS) this.attrLists.set(cell, attrs);
    return attrs;
  }
}

function detectHeader(cells: readonly string[]): { user: number; attrs: number | null } | null {
  const names = cells.map((c) => c.trim().toLowerCase());
  const user = names.findIndex((n) => (USER_COLUMN_NAMES as readonly string[]).includes(n));
  if (user < 0) return null;
  const attrs = names.findIndex((n) => (ATTRS_COLUMN_NAMES as readonly string[]).includes(n));
  return { user, attrs: attrs < 0 ? null : attrs };
}

export function splitAttrs(cell: string): string[] {
  return [...new Set(cell.split(/[;|]/).map(trimId).filter((a) => a !== ''))];
}
