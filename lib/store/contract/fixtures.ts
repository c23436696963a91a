import { prepareOperator } from '../../auth/operators';
import type { Store } from '../store';

export const users = (ids: string[]) => ids.map((account) => ({ account, attrs: ['sex'] }));
export const run = (ids: string[], requestKey?: string) => ({ requestKey, source: 'csv' as const, appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users: users(ids) });
export const by = { operator: 'ann', clientIp: null };

/** A store on a fresh database; `another` opens a second one on the same database, as another process would. `dispose` closes them all. */
export interface OpenedStore {
  store: Store;
  another(): Promise<Store>;
  dispose(): Promise<void>;
}

/** The stores of the test running now, opened afresh before each. */
export type ContractStores = () => Pick<OpenedStore, 'store' | 'another'>;

export const retried = (id: number, n: number) => ({ ...by, action: 'run-retried' as const, runId: id, detail: { users: n } });
export const restoring = (id: number, n: number) => ({ ...by, action: 'restore-started' as const, runId: id, detail: { users: n } });
/** A finished run of this kind: a failed (retryable as 'x'), b through with its value sex=f (kept first by a removal), c never sent. */
export async function finishedWithFailures(store: Store, kind: 'remove' | 'check') {
  const { runId } = await store.runs.create({ ...run(['a', 'b', 'c']), kind }, { ...by, action: kind === 'check' ? 'check-started' : 'run-started' });
  const failure = { key: 'x', code: 1, info: 'x', handling: 'retry' as const };
  if (kind === 'remove') await store.runs.keepValues(runId, [{ seq: 2, values: { sex: 'f' } }]);
  const b = { seq: 2, account: 'b', attempts: 1, attrs: ['sex'], values: { sex: 'f' } };
  await store.runs.recordOutcomes(
    runId,
    [{ seq: 1, account: 'a', status: 'failed', failure, attempts: 1 }, kind === 'check' ? { ...b, status: 'checked' } : { ...b, status: 'removed', valuesKept: true }],
    1,
  );
  await store.runs.finish(runId, { status: 'completed' });
  return runId;
}

/** An operator as an admin adds one, unaudited. */
export async function addOperator(store: Store, username: string) {
  const prepared = await prepareOperator({ username, password: 'a-long-password', role: 'operator' });
  if (!prepared.ok) throw new Error(prepared.code);
  const added = await store.operators.insert(prepared.operator, () => null);
  if (!added.ok) throw new Error(added.code);
  return added.operator;
}
