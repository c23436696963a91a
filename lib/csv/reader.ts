import { MAX_CSV_COLUMNS, MAX_CSV_LINE_BYTES } from './limits';
import type { CsvParams, CsvProblemCode } from './validate';

export interface CsvRecord {
  /** 1-based line on which the record starts (line breaks inside quoted cells count, as an editor shows them). */
  line: number;
  /** The record's cells, decoded; empty when the record went over a limit (its cells are not kept then). */
  cells: string[];
  problem?: { code: CsvProblemCode; params?: CsvParams };
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const NO_BYTES = new Uint8Array(0);

/** At the start of a cell. */
const CELL_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A `"` inside a quoted cell: the closing quote, or the first of `""`. */
const QUOTE_SEEN = 3;
/** The closing quote, then CR: a line break if LF follows, else data where none may be. */
const QUOTE_CR = 4;

// Copied once: an imported binding may be compiled to a getter, which would run for every cell.
const MAX_BYTES = MAX_CSV_LINE_BYTES;
const MAX_COLUMNS = MAX_CSV_COLUMNS;
/**
 * A record's bytes are kept while they may still fit: one more than the limit, because a last
 * cell ending in CR loses it when LF follows.
 */
const KEPT_BYTES = MAX_BYTES + 1;

/**
 * V8 (Node, Chrome) copies a substring shorter than 13 characters and makes a longer one a view
 * that keeps its whole parent alive. Short ASCII cells are cut from one decoding of the chunk, the
 * cheap way; longer ones are decoded on their own, so a kept ID never pins the chunk it came from.
 */
const COPIED_SUBSTRING_MAX = 12;

// ignoreBOM: a cell starting with U+FEFF keeps it, to be refused as data rather than dropped.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
// Only ever sliced at ASCII cells; any single-byte decoding maps one byte to one UTF-16 unit.
const singleByte = new TextDecoder('latin1');

/**
 * SPEC "CSV format" read from bytes as they arrive, in memory bounded by the limits whatever the
 * input: a record over MAX_CSV_LINE_BYTES or MAX_CSV_COLUMNS is only counted to its end, never
 * kept, so a gigabyte without a line break or an unclosed quote costs a few KiB.
 *
 * RFC 4180 with the leniencies of the papaparse reader it replaces: a `"` inside an unquoted cell
 * is data. Nothing is silently changed: a lone CR is data, and so is a BOM anywhere but at the
 * very start. Blank lines (nothing but a line break) are not emitted, only counted in `line`.
 * Lines are counted at LF, as the validator counted them from the cells.
 */
export class CsvRecordReader {
  private state = CELL_START;
  private line = 1;
  private recordLine = 1;
  private cells: string[] = [];
  private columns = 1;
  /** The record's bytes (cells and commas) before the open cell's part in the current chunk. */
  private bytes = 0;
  /** Past a limit: the record is only counted now. */
  private over = false;
  private badQuotes = false;
  /** The open cell's bytes from earlier chunks, or with `""` undone. */
  private readonly cell = new Uint8Array(KEPT_BYTES);
  private cellLength = 0;
  /** The open unquoted cell's last byte, in an earlier chunk, is CR. */
  private endsInCR = false;
  /** The current chunk decoded one byte per character, made on first use. */
  private chunkText: string | null = null;
  /** Bytes of the BOM matched at the start of the file so far. */
  private bomMatched = 0;
  private bomDecided = false;
  private ended = false;
  private read = 0;

  constructor(private readonly onRecord: (record: CsvRecord) => void) {}

  get bytesRead(): number {
    return this.read;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CsvRecordReader: push after end');
    this.read += chunk.length;
    this.scan(this.bomDecided ? chunk : this.skipBom(chunk));
  }

  end(): void {
    if (this.ended) throw new Error('CsvRecordReader: end after end');
    this.ended = true;
    // A file shorter than the BOM that began like one: those bytes were data.
    if (!this.bomDecided) this.scan(BOM.subarray(0, this.bomMatched));
    switch (this.state) {
      case CELL_START:
        if (this.columns > 1) this.endRecord(NO_BYTES, 0, 0);
        break;
      case UNQUOTED:
      case QUOTE_SEEN:
        this.endRecord(NO_BYTES, 0, 0);
        break;
      case QUOTED:
        this.endRecord(NO_BYTES, 0, 0, true);
        break;
      case QUOTE_CR:
        // CR then the end of the file is not a line break, and no data may follow a closing quote.
        this.badQuotes = true;
        this.keepByte(CR);
        this.endRecord(NO_BYTES, 0, 0);
        break;
    }
  }

  /** The chunk without the BOM's bytes, which may arrive split across the first chunks. */
  private skipBom(chunk: Uint8Array): Uint8Array {
    let i = 0;
    while (this.bomMatched < BOM.length && i < chunk.length) {
      if (chunk[i] !== BOM[this.bomMatched]) {
        this.bomDecided = true;
        // The bytes that looked like a BOM were data, and come before this chunk's.
        this.scan(BOM.subarray(0, this.bomMatched));
        return chunk.subarray(i);
      }
      this.bomMatched++;
      i++;
    }
    if (this.bomMatched === BOM.length) this.bomDecided = true;
    return chunk.subarray(i);
  }

  private scan(chunk: Uint8Array): void {
    const n = chunk.length;
    let state = this.state;
    // The open cell's bytes in this chunk: [start, i), or [start, end) once its closing quote is seen.
    let start = 0;
    let end = 0;
    let i = 0;
    this.chunkText = null;
    while (i < n) {
      switch (state) {
        case CELL_START: {
          const b = chunk[i]!;
          if (b === QUOTE) {
            state = QUOTED;
            start = ++i;
          } else if (b === COMMA) {
            this.endCell(chunk, i, i);
            this.comma();
            i++;
          } else if (b === LF) {
            this.line++;
            if (this.columns === 1) this.recordLine = this.line;
            else this.endRecord(chunk, i, i);
            i++;
          } else {
            state = UNQUOTED;
            start = i;
          }
          if (state !== UNQUOTED) break;
        }
        // falls through: most cells are unquoted, and read on without another turn of the loop
        case UNQUOTED: {
          let b = 0;
          while (i < n && (b = chunk[i]!) !== COMMA && b !== LF) i++;
          if (i === n) break;
          if (b === COMMA) {
            this.endCell(chunk, start, i);
            this.comma();
          } else {
            let last = i;
            if (i > start ? chunk[i - 1] === CR : this.endsInCR) {
              if (i > start) last--;
              else this.dropKeptCR();
            }
            this.line++;
            if (this.columns === 1 && !this.badQuotes && this.bytes + last - start === 0) this.recordLine = this.line;
            else this.endRecord(chunk, start, last);
          }
          state = CELL_START;
          i++;
          break;
        }
        case QUOTED: {
          let b = 0;
          while (i < n && (b = chunk[i]!) !== QUOTE) {
            if (b === LF) this.line++;
            i++;
          }
          if (i === n) break;
          end = i;
          state = QUOTE_SEEN;
          i++;
          break;
        }
        case QUOTE_SEEN: {
          const b = chunk[i]!;
          if (b === QUOTE) {
            this.keep(chunk, start, end);
            this.keepByte(QUOTE);
            start = ++i;
            state = QUOTED;
          } else if (b === COMMA) {
            this.endCell(chunk, start, end);
            this.comma();
            state = CELL_START;
            i++;
          } else if (b === LF) {
            this.line++;
            this.endRecord(chunk, start, end);
            state = CELL_START;
            i++;
          } else if (b === CR) {
            state = QUOTE_CR;
            i++;
          } else {
            // Data after the closing quote: the cell goes on unquoted from this byte.
            this.badQuotes = true;
            this.keep(chunk, start, end);
            start = i;
            state = UNQUOTED;
          }
          break;
        }
        case QUOTE_CR: {
          if (chunk[i] === LF) {
            this.line++;
            this.endRecord(chunk, start, end);
            state = CELL_START;
            i++;
          } else {
            // The CR was data after the closing quote; the cell goes on unquoted from this byte.
            this.badQuotes = true;
            this.keep(chunk, start, end);
            this.keepByte(CR);
            start = i;
            state = UNQUOTED;
          }
          break;
        }
      }
    }
    switch (state) {
      case UNQUOTED:
        if (n > start) this.endsInCR = chunk[n - 1] === CR;
        this.keep(chunk, start, n);
        break;
      case QUOTED:
        this.keep(chunk, start, n);
        break;
      case QUOTE_SEEN:
      case QUOTE_CR:
        this.keep(chunk, start, end);
        break;
    }
    this.state = state;
    this.chunkText = null;
  }

  /** Keeps part of the open cell for when it ends, or only counts it once past a limit. */
  private keep(chunk: Uint8Array, from: number, to: number): void {
    this.bytes += to - from;
    if (this.over || to === from) return;
    if (this.bytes > KEPT_BYTES) return this.goOver();
    this.cell.set(chunk.subarray(from, to), this.cellLength);
    this.cellLength += to - from;
  }

  private keepByte(b: number): void {
    this.bytes++;
    if (this.over) return;
    if (this.bytes > KEPT_BYTES) return this.goOver();
    this.cell[this.cellLength++] = b;
  }

  /** The CR that ended the previous chunk was the line break's. */
  private dropKeptCR(): void {
    this.bytes--;
    if (!this.over) this.cellLength--;
  }

  private goOver(): void {
    this.over = true;
    this.cellLength = 0;
  }

  private comma(): void {
    this.bytes++;
    if (++this.columns > MAX_COLUMNS && !this.over) this.goOver();
  }

  /** The open cell ends with chunk[from, to). */
  private endCell(chunk: Uint8Array, from: number, to: number): void {
    if (this.cellLength > 0) {
      this.keep(chunk, from, to);
      if (this.over) return;
      this.cells.push(utf8.decode(this.cell.subarray(0, this.cellLength)));
      this.cellLength = 0;
      return;
    }
    this.bytes += to - from;
    if (this.over) return;
    if (this.bytes > KEPT_BYTES) return this.goOver();
    if (to === from) this.cells.push('');
    else if (to - from <= COPIED_SUBSTRING_MAX && isAscii(chunk, from, to)) this.cells.push((this.chunkText ??= singleByte.decode(chunk)).substring(from, to));
    else this.cells.push(utf8.decode(chunk.subarray(from, to)));
  }

  /**
   * Ends the open cell and the record, and emits it. Over a limit, the limit is the problem, unless
   * the file ended inside quotes: then the length is only the rest of the file, and the quote the cause.
   */
  private endRecord(chunk: Uint8Array, from: number, to: number, unclosed = false): void {
    this.endCell(chunk, from, to);
    const { recordLine: line, columns, bytes, cells } = this;
    let record: CsvRecord;
    if (unclosed) record = { line, cells: this.over ? [] : cells, problem: { code: 'csv.badQuotes' } };
    else if (columns > MAX_COLUMNS) record = { line, cells: [], problem: { code: 'csv.tooManyColumns', params: { columns, max: MAX_COLUMNS } } };
    else if (bytes > MAX_BYTES) record = { line, cells: [], problem: { code: 'csv.lineTooLong', params: { bytes, max: MAX_BYTES } } };
    else if (this.badQuotes) record = { line, cells, problem: { code: 'csv.badQuotes' } };
    else record = { line, cells };
    this.recordLine = this.line;
    this.cells = [];
    this.columns = 1;
    this.bytes = 0;
    this.over = false;
    this.badQuotes = false;
    this.onRecord(record);
  }
}

function isAscii(bytes: Uint8Array, from: number, to: number): boolean {
  let high = 0;
  for (let i = from; i < to; i++) high |= bytes[i]!;
  return high < 0x80;
}
