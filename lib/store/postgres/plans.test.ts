import { afterEach, beforeEach, expect, it } from 'vitest';
import type pg from 'pg';
import { freshPostgres, type FreshPostgres } from './test-database';
import { keepValues, recordOutcomes } from './users-results';

let db: FreshPostgres;
beforeEach(async () => {
  db = await freshPostgres();
});
afterEach(() => db.dispose());

const USERS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan that reads run_users (the update itself aside). */
function readsOfRunUsers(node: PlanNode): PlanNode[] {
  const own = node['Relation Name'] === 'run_users' && node['Node Type'] !== 'ModifyTable' ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(readsOfRunUsers)];
}

/** A parameter as SQL text, for EXECUTE: what pg would send as its value, quoted. */
function literal(client: pg.PoolClient, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return client.escapeLiteral(`{${v.map((x) => (x === null ? 'NULL' : `"${String(x).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`);
  return client.escapeLiteral(String(v));
}

/**
 * Runs each statement the function sends as EXPLAIN, without executing it, and keeps the plans:
 * planned for its values (`custom`), or as the plan Postgres may cache for a prepared statement and
 * use for any values (`generic`), which it can choose after five executions.
 */
function explaining(mode: 'custom' | 'generic', client: pg.PoolClient) {
  const plans: PlanNode[] = [];
  const explain = {
    // A statement is sent as text and values, or as a named (prepared) statement's config.
    query: async (q: string | { text: string; values: unknown[] }, values?: unknown[]) => {
      const [sql, params] = typeof q === 'string' ? [q, values ?? []] : [q.text, q.values];
      let row: { 'QUERY PLAN': { Plan: PlanNode }[] };
      if (mode === 'custom') {
        row = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0];
      } else {
        await client.query('SET plan_cache_mode = force_generic_plan');
        await client.query(`PREPARE explained AS ${sql}`);
        row = (await client.query(`EXPLAIN (FORMAT JSON) EXECUTE explained(${params.map((v) => literal(client, v)).join(', ')})`)).rows[0];
        await client.query('DEALLOCATE explained');
      }
      plans.push(row['QUERY PLAN'][0]!.Plan);
      return { rows: [{ held: true }], rowCount: 1 };
    },
  };
  return { db: explain as never, plans };
}

// A run's users copied into a table analyzed before they were there (a removal from a dry run, a
// restore, a retry) look like a handful of rows to the planner, whose statistics know only the
// runs before. Hashing "every pending user of the run" then looks cheap, and costs a scan of all of
// them per batch: 55 ms a batch at 300,000 users, where looking up the batch's 100 users costs 2 ms.
// Each is a prepared statement (pg's named statements), so Postgres may plan it once for any
// values after its fifth execution on a connection: that plan must not read the whole run either.
it.each(['custom', 'generic'] as const)('looks up a batch’s users by position, whatever the statistics say about the run: no statement reads all of the run’s users (%s plan)', async (mode) => {
  await db.query(`INSERT INTO runs (id, created_at, source, kind, app_id, sdkappid, region, attrs, status, total)
                  VALUES (101, now(), 'csv', 'check', 'default', 1400000000, 'china', '{sex}', 'completed', ${USERS}),
                         (102, now(), 'csv', 'remove', 'default', 1400000000, 'china', '{sex}', 'running', ${USERS})`);
  await db.query(`INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked) SELECT 101, g, 'u' || g, '{sex}', false FROM generate_series(1, ${USERS}) g`);
  await db.query('ANALYZE run_users');
  await db.query('INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked) SELECT 102, seq, user_id, attrs, with_picked FROM run_users WHERE run_id = 101');

  const seqs = Array.from({ length: 100 }, (_, i) => USERS / 2 + i);
  // One connection for all of it: PREPARE and the plan cache's mode belong to a session.
  const client = await db.pool().connect();
  const { db: explain, plans } = explaining(mode, client);
  try {
    const fence = { scope: 'app', appId: 'default', holder: 'p1', token: 1 } as const;
    await keepValues(explain, 102, seqs.map((seq) => ({ seq, values: { sex: 'f' } })), fence);
    await recordOutcomes(explain, 102, seqs.map((seq) => ({ seq, account: `u${seq}`, status: 'removed' as const, attempts: 1 })), 1, Date.now(), fence);
  } finally {
    client.release();
  }

  expect(plans).toHaveLength(2);
  for (const plan of plans) {
    const reads = readsOfRunUsers(plan);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read['Node Type']).toBe('Index Scan');
      expect(read['Index Cond']).toMatch(/\(seq = \w+\.seq\)/);
    }
  }
});
