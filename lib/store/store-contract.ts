import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from './store';
import { runsContract } from './contract/runs';
import { operatorsContract } from './contract/operators';
import { uploadsContract } from './contract/uploads';
import { leaseContract } from './contract/lease';
import { runsReadContract } from './contract/runs-read';
import { refusalsContract } from './contract/refusals';
import { valuesContract } from './contract/values';
import { auditContract } from './contract/audit';
import { tokensContract } from './contract/tokens';
import { webhooksContract } from './contract/webhooks';
import { storeItselfContract } from './contract/store';
import type { OpenedStore } from './contract/fixtures';

export type { OpenedStore } from './contract/fixtures';

/**
 * What every Store implementation must do, written against the interface only: the SQLite store
 * and the Postgres store run the same suite, an area per file under lib/store/contract/.
 */
export function describeStore(name: string, open: () => Promise<OpenedStore>) {
  describe(`${name} store`, () => {
    let store: Store;
    let another: () => Promise<Store>;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ store, another, dispose } = await open()));
    afterEach(() => dispose());
    const stores = () => ({ store, another });

    runsContract(stores);
    operatorsContract(stores);
    uploadsContract(stores);
    leaseContract(stores);
    runsReadContract(stores);
    refusalsContract(stores);
    valuesContract(stores);
    auditContract(stores);
    tokensContract(stores);
    webhooksContract(stores);
    storeItselfContract(stores);
  });
}
