/**
 * The right to write a pass's results, as a store checks it in the transaction of every such
 * write. `database`: the one worker lease of the database (SQLite's single writer), held by
 * `holder`. `app`: the lease of one app on Postgres, at the `token` it was taken with; a takeover
 * raises the token, so a write carrying an older one is refused even if its process still
 * believes it holds the app.
 */
export type Fence = { scope: 'database'; holder: string } | { scope: 'app'; appId: string; holder: string; token: number };

/** A fenced write found its fence no longer held: it wrote nothing. The pass ends halted, `lease-lost`. */
export class LeaseLost extends Error {
  constructor(readonly fence: Fence) {
    super(fence.scope === 'app' ? `lease of app ${fence.appId} (token ${fence.token}) no longer held` : 'worker lease no longer held');
    this.name = 'LeaseLost';
  }
}
