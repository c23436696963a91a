import type { Fence } from './fence';

/** The right to send for one app, as its row in the database says. */
export type AppFence = Extract<Fence, { scope: 'app' }>;

/** One app's lease as last written: held until expiresMs by holder, taken `token` times. */
export interface AppLease {
  appId: string;
  holder: string;
  pid: number;
  host: string;
  acquiredAt: string;
  expiresMs: number;
  token: number;
}
