import 'server-only';
import type pg from 'pg';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import type { UnlockResult } from '../../auth/types';
import { audit } from './audit';
import { changed, lock, tx, type Db } from './database';
import { findOperator, getOperator } from './operators';

/**
 * Checks the lockout and records this attempt as in flight in one statement: inserted only while
 * fewer than LOCKOUT_FAILURES attempts for the username, and fewer from the address, are pending
 * or failed in the window. Under READ COMMITTED two such statements at once would each count
 * without the other's row, so begins for one username, and for one address, first take turns
 * behind advisory locks (username, then address: one order, so two begins never wait on each
 * other in a circle); the statement after the locks sees every attempt committed before it.
 */
export async function beginAttempt(pool: pg.Pool, by: { username: string; clientIp: string | null }, nowMs: number): Promise<number | null> {
  const since = nowMs - LOCKOUT_WINDOW_MS;
  return tx(pool, async (db) => {
    await lock(db, 'signInUsername', by.username, { anyCase: true });
    if (by.clientIp !== null) await lock(db, 'signInAddress', by.clientIp);
    // `client_ip = NULL` matches nothing: an unknown address is not one shared lockout key.
    const begun = await db.query<{ id: number }>(
      `INSERT INTO sign_in_attempts (username, client_ip, at_ms, state)
       SELECT $1, $2::text, $3, 'pending'
       WHERE (SELECT count(*) FROM sign_in_attempts WHERE lower(username) = lower($1) AND at_ms >= $4 AND state IN ('pending', 'failed')) < $5
         AND (SELECT count(*) FROM sign_in_attempts WHERE client_ip = $2 AND at_ms >= $4 AND state IN ('pending', 'failed')) < $5
       RETURNING id`,
      [by.username, by.clientIp, nowMs, since, LOCKOUT_FAILURES],
    );
    return begun.rows[0]?.id ?? null;
  });
}

/** An attempt cleared by an unlock while it was being verified stays cleared. */
export async function finishAttempt(db: Db, id: number, outcome: 'failed' | 'ok'): Promise<void> {
  await db.query("UPDATE sign_in_attempts SET state = $1 WHERE id = $2 AND state = 'pending'", [outcome, id]);
}

/** Operators whose username is locked out at `nowMs`, spelled as in the operators table. */
export async function lockedOutOperators(db: Db, nowMs: number): Promise<Set<string>> {
  const rows = (
    await db.query<{ username: string }>(
      `SELECT o.username FROM operators o
       WHERE (SELECT count(*) FROM sign_in_attempts a WHERE lower(a.username) = lower(o.username) AND a.at_ms >= $1 AND a.state IN ('pending', 'failed')) >= $2`,
      [nowMs - LOCKOUT_WINDOW_MS, LOCKOUT_FAILURES],
    )
  ).rows;
  return new Set(rows.map((r) => r.username));
}

/**
 * Lifts an operator's username lockout before its window passes: the attempts stop counting (the
 * sign-ins stay in the audit log). Audited, with the count the same statement cleared, only when
 * something was locked.
 */
export async function unlockOperator(pool: pg.Pool, username: string, by: { operator: string; clientIp: string | null }, nowMs: number): Promise<UnlockResult> {
  return tx(pool, async (db) => {
    const op = await findOperator(db, username);
    if (!op) return { ok: false, code: 'operators.notFound', username };
    const cleared = changed(
      await db.query("UPDATE sign_in_attempts SET state = 'cleared' WHERE lower(username) = lower($1) AND at_ms >= $2 AND state IN ('pending', 'failed')", [
        op.username,
        nowMs - LOCKOUT_WINDOW_MS,
      ]),
    );
    if (cleared > 0) await audit(db, { ...by, action: 'operator-unlocked', detail: { username: op.username, cleared } }, nowMs);
    return { ok: true, operator: (await getOperator(db, op.id))!, cleared };
  });
}
