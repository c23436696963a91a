import type { ServerResponse } from 'node:http';
import type { App, SimAppStats } from './apps';
import type { RequestLog } from './request-log';

/** What the TIM endpoint and the control API share: one per running simulator. */
export interface SimContext {
  readonly host: string;
  readonly random: () => number;
  readonly now: () => number;
  readonly apps: ReadonlyMap<number, App>;
  /** The control API's default app. */
  readonly firstApp: App;
  readonly log: RequestLog;
  readonly logAccountsLimit: number;
  /** Requests that matched no app (no or unknown sdkappid): counted in the totals only. */
  unmatched: SimAppStats;
  /** Answers and delayed work stop once the simulator is closed. */
  sendJson(res: ServerResponse, status: number, body: unknown): void;
  sendText(res: ServerResponse, status: number, text: string): void;
  later(ms: number, fn: () => void): void;
}
