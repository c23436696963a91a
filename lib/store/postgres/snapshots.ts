import 'server-only';

/**
 * SQL for the newest snapshot of each user among the rows of run_snapshots that `where` picks (the
 * row is `s`), as (seq, kept): a user kept twice (a pass resumed after one that stopped) takes the
 * later one, which started from the earlier. The rows are the batches in flight, and those of a
 * pass that stopped before recording them.
 */
export const newestSnapshots = (where: string) => `
  SELECT DISTINCT ON (x.seq) x.seq, x.kept
  FROM run_snapshots s CROSS JOIN LATERAL unnest(s.seqs, s.vals) AS x(seq, kept)
  WHERE ${where}
  ORDER BY x.seq, s.id DESC`;
