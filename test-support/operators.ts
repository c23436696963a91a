// Set-up for tests that need operators in a real store: the same two steps the use case takes.
import { prepareOperator } from '../lib/auth/operators';
import type { Role } from '../lib/auth/roles';
import type { OperatorChange } from '../lib/auth/types';
import type { Store } from '../lib/store/store';

export async function addOperator(store: Store, input: { username: string; password: string; role: Role }): Promise<OperatorChange> {
  const prepared = await prepareOperator(input);
  return prepared.ok ? store.operators.insert(prepared.operator, () => null) : prepared;
}
