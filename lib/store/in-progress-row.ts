import type { UploadInProgress } from '../uploads/types';

/** An upload still arriving as both stores read it from `runs`: the same columns under either database. */
export interface InProgressRow {
  id: number;
  app_id: string;
  operator: string | null;
  upload_owner: string | null;
  upload_owner_pid: number | null;
  upload_owner_host: string | null;
  upload_heartbeat_ms: number | null;
  finish_done: number | null;
  finish_total: number | null;
}

export const IN_PROGRESS_COLUMNS = 'id, app_id, operator, upload_owner, upload_owner_pid, upload_owner_host, upload_heartbeat_ms, finish_done, finish_total';

export const toInProgress = (r: InProgressRow): UploadInProgress => ({
  id: r.id,
  appId: r.app_id,
  operator: r.operator,
  owner: r.upload_owner === null ? null : { id: r.upload_owner, pid: r.upload_owner_pid ?? 0, host: r.upload_owner_host ?? '' },
  heartbeatMs: r.upload_heartbeat_ms,
  finishing: r.finish_done === null || r.finish_total === null ? null : { done: r.finish_done, total: r.finish_total },
});
