// The SQL of an upload's scratch files, apart from the threads that run it so that a test can ask
// SQLite how it plans to run it. Each staging thread attaches its own scratch file as `own`.

/** `incoming`: rows as they arrive (rowid = position among the file's valid rows); `sorted`: the parts; `users`: merged, rowid = seq. */
export const SCRATCH_SCHEMA = `
  CREATE TABLE own.incoming (user_id TEXT NOT NULL, attrs TEXT NOT NULL, with_picked INTEGER NOT NULL);
  CREATE TABLE own.sorted (
    part INTEGER NOT NULL, user_id TEXT NOT NULL, seq INTEGER NOT NULL, attrs TEXT NOT NULL, with_picked INTEGER NOT NULL,
    PRIMARY KEY (part, user_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE own.users (user_id TEXT NOT NULL, attrs TEXT, with_picked INTEGER NOT NULL, rows INTEGER NOT NULL);
`;

/** The sorted parts to merge: how many each scratch file (by the name it is attached under) holds. */
export type PartsOf = Record<string, number>;

const arms = (parts: PartsOf, where: string, columns: string) =>
  Object.entries(parts)
    .flatMap(([schema, count]) => Array.from({ length: count }, (_, part) => `SELECT ${columns} FROM ${schema}.sorted WHERE part = ${part} AND ${where}`))
    .join(' UNION ALL ');

/**
 * The next `@limit` users after `@after`, merged from every part into `own.users`. The parts are
 * read merged in the order of user and row, so SQLite sorts nothing: the LIMIT keeps the
 * subquery's ORDER BY, which SQLite would otherwise drop and then sort every row left for each
 * slice. Most users have one row, or rows naming one list: their list is that one. The others are
 * left NULL here for mergeApart, so the common case builds no string per user.
 */
export function groupSlice(parts: PartsOf): string {
  return `INSERT INTO own.users (user_id, attrs, with_picked, rows)
    SELECT user_id, CASE WHEN MIN(attrs) = MAX(attrs) THEN MIN(attrs) END, MAX(with_picked), COUNT(*)
    FROM (${arms(parts, 'user_id > @after', 'user_id, seq, attrs, with_picked')} ORDER BY user_id, seq LIMIT -1)
    GROUP BY user_id ORDER BY user_id LIMIT @limit`;
}

/** The lists of the users after rowid `@from` whose rows name different ones, merged by merge_attrs from all of their rows. */
export function mergeApart(parts: PartsOf): string {
  return `UPDATE own.users SET attrs = (SELECT merge_attrs(group_concat(seq || ' ' || attrs, char(10))) FROM (${arms(parts, 'user_id = users.user_id', 'seq, attrs')}))
    WHERE rowid > @from AND attrs IS NULL`;
}
