import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { createTimClient } from './client';
import { readBatchReply } from './outcomes';
import { MAX_FREE_TEXT, MAX_FREE_TEXT_READ } from './sanitize';
import { createUserSigCache } from './usersig-cache';
import { TIM_PATHS } from './wire';

const APP = 1400000000;
const KEY = 'hostile-test-key';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ sdkAppId: APP, secretKey: KEY, attrNames: ['city'], users: { alice: { city: 'x' } } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const userSig = createUserSigCache({ sdkAppId: APP, identifier: 'administrator', secretKey: () => KEY });
const client = () => createTimClient({ sdkAppId: APP, identifier: 'administrator', baseUrl: sim.url, timeoutMs: 5000, userSig });
const removeAlice = () => client().call(TIM_PATHS.removeAttr, { UserAttrs: [{ To_Account: 'alice', Attrs: ['city'] }] });

describe('a hostile or broken reply, over HTTP from the simulator', () => {
  it.each(['hugeBody', 'hugeErrorInfo'] as const)('a 10 MB reply (%s) is a too-large transport failure, retried like a 5xx', async (fault) => {
    sim.setConfig({ faults: { [fault]: 1 } });
    const result = await removeAlice();
    expect(result).toEqual({ kind: 'transport', failure: 'too-large', detail: 'over 1048576 bytes' });
    expect(readBatchReply(['alice'], result)).toMatchObject({
      kind: 'request-failed',
      failure: { key: 'transport.too-large', code: null, handling: 'retry' },
    });
  });

  it('an ErrorInfo under the byte limit is cut as it is parsed, and cleaned as the failure is made', async () => {
    sim.setConfig({ faults: { hugeErrorInfo: 1, hugeBytes: 900_000 } });
    const result = await removeAlice();
    if (result.kind !== 'reply') throw new Error(`expected a reply, got ${result.failure}`);
    expect(result.reply.ErrorInfo.length).toBe(MAX_FREE_TEXT_READ);
    const reading = readBatchReply(['alice'], result);
    expect(reading).toMatchObject({ kind: 'request-failed', failure: { key: '60002', handling: 'fatal' } });
    if (reading.kind !== 'request-failed') throw new Error('unreachable');
    expect(reading.failure.info).toMatch(/^cannot parse \[address hidden\] a+…$/);
    expect(Array.from(reading.failure.info).length).toBe(MAX_FREE_TEXT + 1);
    expect(reading.failure.info).not.toContain(userSig.current());
  });
});
