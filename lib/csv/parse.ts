import { CsvRecordReader } from './reader';
import { CsvValidator, type CsvFatal, type CsvTally, type CsvValidatorOptions } from './validate';

const MIB = 1024 * 1024;

export function tooLarge(bytes: number, maxBytes: number): CsvFatal {
  return { code: 'csv.tooLarge', params: { mib: Math.round((bytes / MIB) * 10) / 10, maxMib: Math.round((maxBytes / MIB) * 10) / 10 } };
}

/**
 * One pass over a CSV file as its bytes arrive: the reader splits records, the validator applies
 * SPEC's rules, and the byte limit is counted here. Memory stays bounded by a record and a chunk,
 * however hostile the file. The browser preview (in a Web Worker) and the server (in a worker
 * thread) both read through this.
 */
export class CsvPass {
  private readonly validator: CsvValidator;
  private readonly reader: CsvRecordReader;
  private bytes = 0;
  private ended = false;

  constructor(private readonly opts: CsvValidatorOptions & { maxBytes: number }) {
    this.validator = new CsvValidator(opts);
    this.reader = new CsvRecordReader((r) => this.validator.addRecord(r.line, r.cells, r.problem));
  }

  /** False once the file is beyond use: the caller stops reading (and sending) it. */
  push(chunk: Uint8Array): boolean {
    if (!this.validator.acceptsMore) return false;
    this.bytes += chunk.byteLength;
    if (this.bytes > this.opts.maxBytes) {
      this.validator.refuse(tooLarge(this.bytes, this.opts.maxBytes));
      return false;
    }
    this.reader.push(chunk);
    return this.validator.acceptsMore;
  }

  get bytesRead(): number {
    return this.bytes;
  }

  end(): CsvTally {
    if (!this.ended && this.validator.acceptsMore) this.reader.end();
    this.ended = true;
    return this.validator.finish();
  }
}
