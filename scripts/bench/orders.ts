// The orders a staged file's rows come in: which user (1 … users, see csv.ts's userId) each row names.

export const ORDERS = ['sorted', 'scattered', 'reversed', 'repeats'] as const;
export type Order = (typeof ORDERS)[number];

export const ORDER_LABELS: Record<Order, string> = {
  sorted: 'sorted',
  scattered: 'scattered',
  reversed: 'reversed',
  repeats: '10 % repeated users',
};

/** In the `repeats` order, every REPEAT_EVERY-th row names a user an earlier row named: 10 % of the rows. */
const REPEAT_EVERY = 10;

export interface RowOrder {
  rows: number;
  /** Distinct users the rows name: user numbers 1 … users, each at least once. */
  users: number;
  /** Rows that name a user an earlier row named (the preview's duplicateRows). */
  repeatedRows: number;
  /** The user number of row 1 … rows. */
  userAt: (row: number) => number;
}

/** A 32-bit integer hash (lowbias32): neighbouring inputs give unrelated outputs. */
export function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const FEISTEL_ROUNDS = 4;
/** Past 2^30 the halves no longer fit one int32 shift. */
const MAX_SCATTERED = 2 ** 30;

/**
 * A fixed permutation of 0 … n − 1 that sends neighbouring indexes far apart, as an export that is
 * not sorted by ID lists them, computed per index (no table of n entries): a Feistel network on the
 * smallest even number of bits that holds n, walked again while it lands past n − 1.
 */
export function scatter(n: number, seed = 0): (i: number) => number {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SCATTERED) throw new Error(`scatter: n must be 1 … ${MAX_SCATTERED}, got ${n}`);
  let bits = 2;
  while (2 ** bits < n) bits += 2;
  const half = bits / 2;
  const mask = 2 ** half - 1;
  const keys = Array.from({ length: FEISTEL_ROUNDS }, (_, k) => mix(seed * FEISTEL_ROUNDS + k + 1));
  const once = (x: number) => {
    let [left, right] = [x >>> half, x & mask];
    for (const key of keys) [left, right] = [right, (left ^ mix(right ^ key)) & mask];
    return left * 2 ** half + right;
  };
  return (i) => {
    let x = once(i);
    while (x >= n) x = once(x);
    return x;
  };
}

export function rowOrder(order: Order, rows: number): RowOrder {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${rows}`);
  switch (order) {
    case 'sorted':
      return { rows, users: rows, repeatedRows: 0, userAt: (row) => row };
    case 'reversed':
      return { rows, users: rows, repeatedRows: 0, userAt: (row) => rows + 1 - row };
    case 'scattered': {
      const at = scatter(rows);
      return { rows, users: rows, repeatedRows: 0, userAt: (row) => at(row - 1) + 1 };
    }
    case 'repeats': {
      // Index i (row − 1) repeats when i % REPEAT_EVERY is the last of its ten; floor(i / 10) rows before it did.
      const repeatedRows = Math.floor(rows / REPEAT_EVERY);
      const users = rows - repeatedRows;
      const at = scatter(users);
      return {
        rows,
        users,
        repeatedRows,
        userAt: (row) => {
          const i = row - 1;
          const firstSeen = i - Math.floor(i / REPEAT_EVERY);
          // A repeat names one of the firstSeen users seen so far, picked by a hash: scattered too.
          return at(i % REPEAT_EVERY === REPEAT_EVERY - 1 ? mix(i) % firstSeen : firstSeen) + 1;
        },
      };
    }
  }
}

/** `BENCH_STAGING_ORDERS`: a comma-separated subset of ORDERS, all of them when unset. */
export function parseOrders(text: string | undefined): Order[] {
  if (!text?.trim()) return [...ORDERS];
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((s) => !(ORDERS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`BENCH_STAGING_ORDERS takes ${ORDERS.join(', ')}; got ${unknown.join(', ')}`);
  return ORDERS.filter((o) => names.includes(o));
}
