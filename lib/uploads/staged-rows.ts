import type { CsvRow } from '../csv/validate';
import type { StagedRows } from './types';

/** Between two users in StagedRows.users: a control character no valid ID holds (tab, LF and CR may be inside a quoted one). */
const SEPARATOR = '\u001e';

/**
 * Gathers valid rows into StagedRows batches, in file order. Rows that name the same list share
 * its array (the validator keeps one per distinct cell), so each list is written out once per batch.
 */
export class StagedRowsPacker {
  private users: string[] = [];
  private lists: string[] = [];
  private listOf: number[] = [];
  private listIndex = new Map<readonly string[], number>();

  add(account: string, attrs: readonly string[]): void {
    let index = this.listIndex.get(attrs);
    if (index === undefined) {
      index = this.lists.push(JSON.stringify(attrs)) - 1;
      this.listIndex.set(attrs, index);
    }
    this.users.push(account);
    this.listOf.push(index);
  }

  /** The rows added since the last batch, as one batch. */
  take(): StagedRows {
    const batch = { users: this.users.join(SEPARATOR), lists: this.lists, listOf: Uint32Array.from(this.listOf) };
    this.users = [];
    this.lists = [];
    this.listOf = [];
    this.listIndex = new Map();
    return batch;
  }
}

/** A batch of these rows, as the CSV thread would hand them on. */
export function packRows(rows: readonly Pick<CsvRow, 'account' | 'attrs'>[]): StagedRows {
  const packer = new StagedRowsPacker();
  for (const row of rows) packer.add(row.account, row.attrs);
  return packer.take();
}

export const rowCount = (rows: StagedRows): number => rows.listOf.length;

/** The users of a batch, in file order: the i-th row names the list `rows.lists[rows.listOf[i]]`. */
export const usersOf = (rows: StagedRows): string[] => (rows.listOf.length === 0 ? [] : rows.users.split(SEPARATOR));
