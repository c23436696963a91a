/**
 * Versioned schema. Append new entries; never edit one that has shipped — databases in the field
 * have already applied it.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * SQLite cannot change a CHECK constraint in place: the table is rebuilt, which needs foreign keys
   * off while the old one is dropped (and checked again before the migration commits).
   */
  rebuildsTables?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs and per-user results',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        source TEXT NOT NULL CHECK (source IN ('form', 'csv', 'retry')),
        sdkappid INTEGER NOT NULL,
        region TEXT NOT NULL,
        attrs TEXT NOT NULL,
        operator TEXT,
        parent_run_id INTEGER REFERENCES runs(id),
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')),
        total INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        not_sent INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT
      );
      CREATE INDEX runs_status ON runs(status);

      CREATE TABLE run_users (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        seq INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        attrs TEXT NOT NULL,
        result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'removed', 'failed', 'not_sent')),
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX run_users_by_user ON run_users(user_id, run_id);
    `,
  },
  {
    version: 2,
    name: 'bulk CSV runs: file facts, cancel flag, filtered paging',
    sql: `
      ALTER TABLE runs ADD COLUMN file_name TEXT;
      ALTER TABLE runs ADD COLUMN rows_read INTEGER;
      ALTER TABLE runs ADD COLUMN invalid_rows INTEGER;
      ALTER TABLE runs ADD COLUMN duplicate_rows INTEGER;
      ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX run_users_by_result ON run_users(run_id, result, seq);
      CREATE INDEX run_users_by_error ON run_users(run_id, error_key, seq);
    `,
  },
  {
    version: 3,
    name: 'operators, sessions, audit log',
    sql: `
      CREATE TABLE operators (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- Only a hash of the session token is stored: a copy of the database cannot be used to sign in.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        operator_id INTEGER NOT NULL REFERENCES operators(id),
        created_at TEXT NOT NULL,
        last_seen_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        action TEXT NOT NULL,
        operator TEXT,
        client_ip TEXT,
        run_id INTEGER,
        detail TEXT
      );
      CREATE INDEX audit_by_action ON audit_log(action, at_ms);
      CREATE INDEX audit_by_operator ON audit_log(operator, at_ms);
    `,
  },
  {
    version: 4,
    name: 'sign-in attempts counted before the password is verified; session start in ms; audit log by time',
    sql: `
      -- One row per sign-in that got past the lockout check. 'pending' rows are being verified now,
      -- or were when their process died; the lockout counts them with the failures.
      CREATE TABLE sign_in_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL COLLATE NOCASE,
        client_ip TEXT,
        at_ms INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'failed', 'ok', 'cleared'))
      );
      CREATE INDEX sign_in_attempts_by_username ON sign_in_attempts(username, at_ms);
      CREATE INDEX sign_in_attempts_by_ip ON sign_in_attempts(client_ip, at_ms);

      -- The lockout used to count audit rows: carry the last window's failures over, so an upgrade
      -- does not lift a lockout in force.
      INSERT INTO sign_in_attempts (username, client_ip, at_ms, state)
        SELECT operator, client_ip, at_ms, 'failed' FROM audit_log
        WHERE action = 'sign-in-failed' AND operator IS NOT NULL
          AND at_ms >= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 15 * 60000;

      -- For the absolute session lifetime (SESSION_MAX_HOURS); open sessions keep their real start.
      ALTER TABLE sessions ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
      UPDATE sessions SET created_ms = CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER);

      -- The hourly purge deletes audit rows by age (AUDIT_RETENTION_DAYS).
      CREATE INDEX audit_by_time ON audit_log(at_ms);
    `,
  },
  {
    version: 5,
    name: 'one writer per database file, idempotent run starts',
    sql: `
      -- At most one row: the process whose worker may send. Others serve pages and wait for it to expire.
      CREATE TABLE worker_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_ms INTEGER NOT NULL
      );
      ALTER TABLE runs ADD COLUMN request_key TEXT;
      CREATE UNIQUE INDEX runs_request_key ON runs(request_key) WHERE request_key IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'several apps: runs bound to their app, each operator\'s chosen app',
    sql: `
      -- Runs from before apps existed were sent with the single-app variables, which are app "default".
      ALTER TABLE runs ADD COLUMN app_id TEXT NOT NULL DEFAULT 'default';
      CREATE INDEX runs_by_app ON runs(app_id, id);
      ALTER TABLE operators ADD COLUMN app_id TEXT;
    `,
  },
  {
    version: 7,
    name: 'staged CSV uploads: runs that are uploading or staged, users merged as they arrive, invalid rows kept',
    rebuildsTables: true,
    sql: `
      CREATE TABLE runs_v7 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        source TEXT NOT NULL CHECK (source IN ('form', 'csv', 'retry')),
        sdkappid INTEGER NOT NULL,
        region TEXT NOT NULL,
        attrs TEXT NOT NULL,
        operator TEXT,
        parent_run_id INTEGER REFERENCES runs(id),
        status TEXT NOT NULL CHECK (status IN ('uploading', 'staged', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
        total INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        not_sent INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT,
        file_name TEXT,
        rows_read INTEGER,
        invalid_rows INTEGER,
        duplicate_rows INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        request_key TEXT,
        app_id TEXT NOT NULL DEFAULT 'default',
        -- The attributes picked on the page at start, for the users whose rows named none.
        picked_attrs TEXT,
        rows_without_attrs INTEGER,
        has_header INTEGER,
        staged_ms INTEGER
      );
      INSERT INTO runs_v7 (id, created_at, finished_at, source, sdkappid, region, attrs, operator, parent_run_id, status,
                           total, removed, failed, not_sent, requests, error_key, error_code, error_info, file_name,
                           rows_read, invalid_rows, duplicate_rows, cancel_requested, request_key, app_id)
        SELECT id, created_at, finished_at, source, sdkappid, region, attrs, operator, parent_run_id, status,
               total, removed, failed, not_sent, requests, error_key, error_code, error_info, file_name,
               rows_read, invalid_rows, duplicate_rows, cancel_requested, request_key, app_id FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v7 RENAME TO runs;
      CREATE INDEX runs_status ON runs(status);
      CREATE UNIQUE INDEX runs_request_key ON runs(request_key) WHERE request_key IS NOT NULL;
      CREATE INDEX runs_by_app ON runs(app_id, id);

      -- One row per user and run: an upload merges a user's repeated rows into one as they arrive,
      -- so ten million rows never have to be held in memory to find the duplicates.
      DROP INDEX run_users_by_user;
      CREATE UNIQUE INDEX run_users_by_user ON run_users(user_id, run_id);
      ALTER TABLE run_users ADD COLUMN with_picked INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE upload_issues (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        line INTEGER NOT NULL,
        code TEXT NOT NULL,
        params TEXT,
        PRIMARY KEY (run_id, line)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'failed users counted per run and reason as batches are recorded',
    sql: `
      -- A key names its code (a TIM code, or transport.* with none), so it alone groups a run's failures.
      CREATE TABLE run_failures (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        error_key TEXT NOT NULL,
        error_code INTEGER,
        info TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (run_id, error_key)
      ) WITHOUT ROWID;
      INSERT INTO run_failures (run_id, error_key, error_code, info, count)
        SELECT run_id, error_key, MAX(error_code), COALESCE(MAX(error_info), ''), COUNT(*)
        FROM run_users WHERE result = 'failed' AND error_key IS NOT NULL
        GROUP BY run_id, error_key;
    `,
  },
  {
    version: 9,
    name: 'dry runs and restores: run kinds, values kept per user, counts per attribute',
    rebuildsTables: true,
    sql: `
      CREATE TABLE runs_v9 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        -- Where the users came from; a restore's come from the removal it undoes.
        source TEXT NOT NULL CHECK (source IN ('form', 'csv', 'retry', 'restore')),
        kind TEXT NOT NULL DEFAULT 'remove' CHECK (kind IN ('remove', 'check', 'restore')),
        sdkappid INTEGER NOT NULL,
        region TEXT NOT NULL,
        attrs TEXT NOT NULL,
        operator TEXT,
        parent_run_id INTEGER REFERENCES runs(id),
        status TEXT NOT NULL CHECK (status IN ('uploading', 'staged', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
        total INTEGER NOT NULL,
        -- Users the run's call went through for: removed, checked or restored, by kind.
        removed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        not_sent INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        -- Users that went through with at least one value: a removal's restorable users, a check's users with a value.
        with_values INTEGER NOT NULL DEFAULT 0,
        values_purged_at TEXT,
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT,
        file_name TEXT,
        rows_read INTEGER,
        invalid_rows INTEGER,
        duplicate_rows INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        request_key TEXT,
        app_id TEXT NOT NULL DEFAULT 'default',
        picked_attrs TEXT,
        rows_without_attrs INTEGER,
        has_header INTEGER,
        staged_ms INTEGER
      );
      INSERT INTO runs_v9 (id, created_at, finished_at, source, sdkappid, region, attrs, operator, parent_run_id, status,
                           total, removed, failed, not_sent, requests, error_key, error_code, error_info, file_name,
                           rows_read, invalid_rows, duplicate_rows, cancel_requested, request_key, app_id,
                           picked_attrs, rows_without_attrs, has_header, staged_ms)
        SELECT id, created_at, finished_at, source, sdkappid, region, attrs, operator, parent_run_id, status,
               total, removed, failed, not_sent, requests, error_key, error_code, error_info, file_name,
               rows_read, invalid_rows, duplicate_rows, cancel_requested, request_key, app_id,
               picked_attrs, rows_without_attrs, has_header, staged_ms FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v9 RENAME TO runs;
      CREATE INDEX runs_status ON runs(status);
      CREATE UNIQUE INDEX runs_request_key ON runs(request_key) WHERE request_key IS NOT NULL;
      CREATE INDEX runs_by_app ON runs(app_id, id);
      CREATE INDEX runs_by_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;

      CREATE TABLE run_users_v9 (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        seq INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        attrs TEXT NOT NULL,
        with_picked INTEGER NOT NULL DEFAULT 0,
        result TEXT NOT NULL DEFAULT 'pending'
          CHECK (result IN ('pending', 'removed', 'checked', 'restored', 'skipped', 'failed', 'not_sent')),
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        -- JSON name → value: what a removal took away, a check read, or a restore writes. NULL once purged.
        attr_values TEXT,
        -- JSON names a restore left alone because they had a value again.
        skipped_attrs TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      INSERT INTO run_users_v9 (run_id, seq, user_id, attrs, with_picked, result, error_key, error_code, error_info, attempts)
        SELECT run_id, seq, user_id, attrs, with_picked, result, error_key, error_code, error_info, attempts FROM run_users;
      DROP TABLE run_users;
      ALTER TABLE run_users_v9 RENAME TO run_users;
      CREATE UNIQUE INDEX run_users_by_user ON run_users(user_id, run_id);
      CREATE INDEX run_users_by_result ON run_users(run_id, result, seq);
      CREATE INDEX run_users_by_error ON run_users(run_id, error_key, seq);

      -- Per run and attribute: users asked about it, and those that had a value.
      CREATE TABLE run_attr_counts (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        attr TEXT NOT NULL,
        asked INTEGER NOT NULL,
        with_value INTEGER NOT NULL,
        PRIMARY KEY (run_id, attr)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    name: 'each operator\'s language',
    sql: `
      -- NULL: the operator has not chosen; pages follow the browser's cookie or Accept-Language.
      ALTER TABLE operators ADD COLUMN locale TEXT CHECK (locale IN ('en', 'zh'));
    `,
  },
  {
    version: 11,
    name: 'runs whose users are copied from another run a slice at a time, while they run',
    sql: `
      -- The run whose users this one takes (a dry run's for its removal, a removal's for its
      -- restore), and how far the copy has got; NULL once every user is copied.
      ALTER TABLE runs ADD COLUMN copy_from INTEGER REFERENCES runs(id);
      ALTER TABLE runs ADD COLUMN copied_upto INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 12,
    name: 'uploads being discarded: out of staged by one compare-and-set before their rows are deleted',
    rebuildsTables: true,
    sql: `
      CREATE TABLE runs_v12 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        source TEXT NOT NULL CHECK (source IN ('form', 'csv', 'retry', 'restore')),
        kind TEXT NOT NULL DEFAULT 'remove' CHECK (kind IN ('remove', 'check', 'restore')),
        sdkappid INTEGER NOT NULL,
        region TEXT NOT NULL,
        attrs TEXT NOT NULL,
        operator TEXT,
        parent_run_id INTEGER REFERENCES runs(id),
        -- 'discarding': an upload that can no longer start, whose rows are being deleted a slice at a time.
        status TEXT NOT NULL CHECK (status IN ('uploading', 'staged', 'discarding', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
        total INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        not_sent INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        with_values INTEGER NOT NULL DEFAULT 0,
        values_purged_at TEXT,
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT,
        file_name TEXT,
        rows_read INTEGER,
        invalid_rows INTEGER,
        duplicate_rows INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        request_key TEXT,
        app_id TEXT NOT NULL DEFAULT 'default',
        picked_attrs TEXT,
        rows_without_attrs INTEGER,
        has_header INTEGER,
        staged_ms INTEGER,
        copy_from INTEGER REFERENCES runs(id),
        copied_upto INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO runs_v12 (id, created_at, finished_at, source, kind, sdkappid, region, attrs, operator, parent_run_id, status,
                            total, removed, skipped, failed, not_sent, requests, with_values, values_purged_at, error_key,
                            error_code, error_info, file_name, rows_read, invalid_rows, duplicate_rows, cancel_requested,
                            request_key, app_id, picked_attrs, rows_without_attrs, has_header, staged_ms, copy_from, copied_upto)
        SELECT id, created_at, finished_at, source, kind, sdkappid, region, attrs, operator, parent_run_id, status,
                            total, removed, skipped, failed, not_sent, requests, with_values, values_purged_at, error_key,
                            error_code, error_info, file_name, rows_read, invalid_rows, duplicate_rows, cancel_requested,
                            request_key, app_id, picked_attrs, rows_without_attrs, has_header, staged_ms, copy_from, copied_upto FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v12 RENAME TO runs;
      CREATE INDEX runs_status ON runs(status);
      CREATE UNIQUE INDEX runs_request_key ON runs(request_key) WHERE request_key IS NOT NULL;
      CREATE INDEX runs_by_app ON runs(app_id, id);
      CREATE INDEX runs_by_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;
    `,
  },
  {
    version: 13,
    name: 'one removal at a time from one dry run',
    sql: `
      -- Two operators confirming the removal of one dry run at once get the same run, whichever
      -- process writes it. A retry of a removal is also a removal with that removal as parent: it
      -- already had this rule.
      CREATE UNIQUE INDEX runs_one_removal_per_parent ON runs(parent_run_id)
        WHERE kind = 'remove' AND status = 'running' AND parent_run_id IS NOT NULL;
    `,
  },
  {
    version: 14,
    name: 'a removal\'s users with nothing to remove, counted apart',
    rebuildsTables: true,
    sql: `
      -- Users of a removal whose snapshot held no value for any of their attributes.
      ALTER TABLE runs ADD COLUMN nothing_to_remove INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE run_users_v14 (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        seq INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        attrs TEXT NOT NULL,
        with_picked INTEGER NOT NULL DEFAULT 0,
        result TEXT NOT NULL DEFAULT 'pending'
          CHECK (result IN ('pending', 'removed', 'nothing_to_remove', 'checked', 'restored', 'skipped', 'failed', 'not_sent')),
        error_key TEXT,
        error_code INTEGER,
        error_info TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        attr_values TEXT,
        skipped_attrs TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      INSERT INTO run_users_v14 (run_id, seq, user_id, attrs, with_picked, result, error_key, error_code, error_info, attempts, attr_values, skipped_attrs)
        SELECT run_id, seq, user_id, attrs, with_picked, result, error_key, error_code, error_info, attempts, attr_values, skipped_attrs FROM run_users;
      DROP TABLE run_users;
      ALTER TABLE run_users_v14 RENAME TO run_users;
      CREATE UNIQUE INDEX run_users_by_user ON run_users(user_id, run_id);
      CREATE INDEX run_users_by_result ON run_users(run_id, result, seq);
      CREATE INDEX run_users_by_error ON run_users(run_id, error_key, seq);
    `,
  },
  {
    version: 15,
    name: 'the sets of attributes an upload\'s rows name',
    sql: `
      -- JSON {sets: [{attrs, rows}], otherRows}, so the confirm step can say what each group of rows loses.
      ALTER TABLE runs ADD COLUMN attr_sets TEXT;
    `,
  },
  {
    version: 16,
    name: 'one running run of each kind after one run: a retry, a removal from a dry run, a restore',
    sql: `
      -- What follows a run (parent_run_id) is told apart by its kind: a dry run leads to its retries
      -- (kind check) and to removals (kind remove); a removal to its retries (kind remove) and to
      -- restores (kind restore); a restore to nothing (retrying one is restoring the removal again).
      -- So one index holds, whichever process writes: one running retry per run, one running removal
      -- per dry run, one running restore per removal. Different kinds may run side by side: a retry
      -- of a dry run beside a removal from it (both only read the finished dry run, and the removal
      -- keeps its own values before it removes), a retry of a removal beside a restore of it (the
      -- retry sends the removal's failed and unsent users, the restore its removed ones: never the
      -- same user). It takes over runs_one_removal_per_parent (kind remove only).
      DROP INDEX runs_one_removal_per_parent;
      CREATE UNIQUE INDEX runs_one_running_child_per_kind ON runs(parent_run_id, kind)
        WHERE status = 'running' AND parent_run_id IS NOT NULL;
    `,
  },
  {
    version: 17,
    name: 'state several processes share: who receives each upload, and each run\'s recent pace',
    sql: `
      -- The process receiving an upload (its lease identity) and when it last said it still is, so
      -- a sweep in any process deletes only uploads whose process is gone. Uploads left uploading
      -- from before have none, and are swept as abandoned.
      ALTER TABLE runs ADD COLUMN upload_owner TEXT;
      ALTER TABLE runs ADD COLUMN upload_owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN upload_owner_host TEXT;
      ALTER TABLE runs ADD COLUMN upload_heartbeat_ms INTEGER;

      -- Users a running run finished per second, a ring of the last few seconds per run (slot =
      -- second modulo the ring's size), written with each batch: the rate and time left any process
      -- shows. Emptied when the run ends.
      CREATE TABLE run_progress (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        slot INTEGER NOT NULL,
        second INTEGER NOT NULL,
        -- The first batch recorded in that second: when, and how many users it finished.
        first_ms INTEGER NOT NULL,
        first_users INTEGER NOT NULL,
        last_ms INTEGER NOT NULL,
        users INTEGER NOT NULL,
        PRIMARY KEY (run_id, slot)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 18,
    name: 'API tokens',
    sql: `
      -- A token is kept as the SHA-256 of its text: shown once, never stored. Its name is how the
      -- audit names its calls, so no two live tokens share one (in any case); a revoked token's
      -- name may be used again.
      CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name COLLATE NOCASE) WHERE revoked_at IS NULL;
    `,
  },
  {
    version: 19,
    name: 'API idempotency keys',
    sql: `
      -- A POST with an Idempotency-Key, per token: claimed before it runs (response NULL), then its
      -- answer kept, so the same key and body get the same answer and a different body is refused.
      -- The primary key makes two requests at once with one key claim it once.
      CREATE TABLE api_idempotency (
        token_id INTEGER NOT NULL REFERENCES api_tokens(id),
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        status INTEGER,
        response TEXT,
        PRIMARY KEY (token_id, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 20,
    name: 'webhooks and their deliveries',
    sql: `
      -- A URL an admin registered; its signing secret is derived from SESSION_SECRET and the salt,
      -- so nothing here signs. A removed hook keeps its rows for the deliveries that name it.
      CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        locale TEXT NOT NULL,
        salt TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        removed_at TEXT
      );
      -- One per live hook and run end, written in the transaction that ends the run (an outbox), so
      -- no end is lost to a crash. next_ms: when to send (a sender claims a row by moving it on);
      -- NULL once delivered or given up.
      CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY,
        hook_id INTEGER NOT NULL REFERENCES webhooks(id),
        run_id INTEGER NOT NULL REFERENCES runs(id),
        event TEXT NOT NULL,
        body TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_ms INTEGER,
        last_ms INTEGER,
        last_status INTEGER,
        last_error TEXT,
        delivered INTEGER NOT NULL DEFAULT 0,
        UNIQUE (hook_id, run_id, event)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_ms) WHERE next_ms IS NOT NULL;
    `,
  },
  {
    version: 21,
    name: 'how far an upload\'s last step has come: its rows merged by user and its users stored',
    sql: `
      -- An upload's rows arrive in file order, unmerged; once the file has ended, its repeated users
      -- are merged and its users stored in one pass that takes seconds for millions of rows. Counted
      -- in valid rows of the file, written as the pass goes, so every process can show it; NULL
      -- before the pass begins.
      ALTER TABLE runs ADD COLUMN finish_done INTEGER;
      ALTER TABLE runs ADD COLUMN finish_total INTEGER;
    `,
  },
];
