import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api } from 'tls-sig-api-v2';
import { startSimulator, type SimAppOptions, type SimServerOptions, type Simulator } from './server';

const APP = 1400000001;
const KEY = 'sim-test-secret';
const ADMIN = 'administrator';
const SIG = new Api(APP, KEY).genUserSig(ADMIN, 86400);

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function start(over: Partial<SimServerOptions & SimAppOptions> = {}): Promise<Simulator> {
  const sim = await startSimulator({
    sdkAppId: APP,
    secretKey: KEY,
    attrNames: ['sex', 'city', 'tier'],
    users: {
      alice: { sex: 'female', city: 'Shenzhen', tier: 'gold' },
      bob: { sex: 'male', city: 'Tokyo', tier: 'silver' },
      carol: {},
    },
    ...over,
  });
  sims.push(sim);
  return sim;
}

/** Two apps that both know a user "alice", with different values. */
const APP_B = 1400000002;
const KEY_B = 'sim-test-secret-b';
const SIG_B = new Api(APP_B, KEY_B).genUserSig(ADMIN, 86400);

async function startTwo(over: Partial<SimServerOptions> = {}, b: Partial<SimAppOptions> = {}): Promise<Simulator> {
  const sim = await startSimulator({
    apps: [
      { sdkAppId: APP, secretKey: KEY, attrNames: ['sex', 'city', 'tier'], users: { alice: { sex: 'female', city: 'Shenzhen', tier: 'gold' } } },
      { sdkAppId: APP_B, secretKey: KEY_B, attrNames: ['city', 'plan'], users: { alice: { city: 'Seoul', plan: 'pro' }, zed: {} }, ...b },
    ],
    ...over,
  });
  sims.push(sim);
  return sim;
}

/** A call addressed to app B with B's sig, unless the query says otherwise. */
const inB = (q: Query = {}): Query => ({ sdkappid: String(APP_B), usersig: SIG_B, ...q });

type Query = Partial<Record<'sdkappid' | 'identifier' | 'usersig' | 'random' | 'contenttype', string | null>>;

function timUrl(sim: Simulator, path: string, q: Query = {}): string {
  const params: Query = { sdkappid: String(APP), identifier: ADMIN, usersig: SIG, random: '12345', contenttype: 'json', ...q };
  const u = new URL(path, sim.url);
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') u.searchParams.set(k, v);
  return u.toString();
}

interface TimAnswer {
  status: number;
  json: Record<string, unknown>;
}

async function call(
  sim: Simulator,
  api: string,
  body: unknown,
  q: Query = {},
  init: { method?: string; signal?: AbortSignal; path?: string } = {},
): Promise<TimAnswer> {
  const res = await fetch(timUrl(sim, init.path ?? `/v4/timpush/${api}`, q), {
    method: init.method ?? 'POST',
    body: init.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

const removeBody = (accounts: string[], attrs: string[] = ['sex', 'city']) => ({
  UserAttrs: accounts.map((To_Account) => ({ To_Account, Attrs: attrs })),
});

describe('remove_attr', () => {
  it('removes the named attributes and answers OK without ErrorList', async () => {
    const sim = await start();
    const r = await call(sim, 'remove_attr', removeBody(['alice', 'bob']));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(sim.getUser('alice')).toEqual({ tier: 'gold' });
    expect(sim.getUser('bob')).toEqual({ tier: 'silver' });
    expect(sim.stats()).toMatchObject({ requests: 1, usersRemoved: 2, byApi: { remove_attr: 1 } });
    const [entry] = sim.requests();
    expect(entry).toMatchObject({ sdkAppId: APP, api: 'remove_attr', path: '/v4/timpush/remove_attr', userCount: 2, errorCode: 0, httpStatus: 200 });
    expect(entry?.accounts).toEqual(['alice', 'bob']);
    // The query carries the UserSig; the log must not.
    expect(JSON.stringify(sim.requests())).not.toContain(SIG);
  });

  it('lists unknown users in ErrorList with 70107 and still changes the others', async () => {
    const sim = await start();
    const r = await call(sim, 'remove_attr', removeBody(['ghost', 'alice'], ['tier']));
    expect(r.json).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107, ErrorInfo: 'account not found' }],
    });
    expect(sim.getUser('alice')).toEqual({ sex: 'female', city: 'Shenzhen' });
    expect(sim.getUser('ghost')).toBeUndefined();
  });

  it('rejects 101 users with 90018 and changes nothing', async () => {
    const sim = await start();
    const accounts = ['alice', ...Array.from({ length: 100 }, (_, i) => `u${i}`)];
    const r = await call(sim, 'remove_attr', removeBody(accounts));
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90018 });
    expect(sim.getUser('alice')).toEqual({ sex: 'female', city: 'Shenzhen', tier: 'gold' });
    const ok = await call(sim, 'remove_attr', removeBody(accounts.slice(0, 100)));
    expect(ok.json.ErrorCode).toBe(0);
  });

  it('rejects an unknown attribute name with 90033 naming it, changing nothing', async () => {
    const sim = await start();
    const r = await call(sim, 'remove_attr', {
      UserAttrs: [
        { To_Account: 'alice', Attrs: ['sex'] },
        { To_Account: 'bob', Attrs: ['city', 'shoeSize'] },
      ],
    });
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90033 });
    expect(r.json.ErrorInfo).toContain('shoeSize');
    expect(sim.getUser('alice')).toHaveProperty('sex', 'female');
  });

  it('validates the body: 90001 for non-JSON / non-object / missing UserAttrs, 60015 for a bad To_Account', async () => {
    const sim = await start();
    expect((await call(sim, 'remove_attr', 'not json')).json.ErrorCode).toBe(90001);
    expect((await call(sim, 'remove_attr', '')).json.ErrorCode).toBe(90001);
    expect((await call(sim, 'remove_attr', [1, 2])).json.ErrorCode).toBe(90001);
    expect((await call(sim, 'remove_attr', {})).json.ErrorCode).toBe(90001);
    expect((await call(sim, 'remove_attr', { UserAttrs: [] })).json.ErrorCode).toBe(90001);
    expect((await call(sim, 'remove_attr', { UserAttrs: [{ To_Account: 7, Attrs: ['sex'] }] })).json.ErrorCode).toBe(60015);
    expect((await call(sim, 'remove_attr', { UserAttrs: [{ To_Account: '', Attrs: ['sex'] }] })).json.ErrorCode).toBe(60015);
    expect((await call(sim, 'remove_attr', { UserAttrs: [{ To_Account: 'alice', Attrs: 'sex' }] })).json.ErrorCode).toBe(90001);
  });

  it('works on the older all_member_push path family', async () => {
    const sim = await start();
    const r = await call(sim, 'remove_attr', removeBody(['bob'], ['tier']), {}, { path: '/v4/all_member_push/im_remove_attr' });
    expect(r.json).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(sim.getUser('bob')).toEqual({ sex: 'male', city: 'Tokyo' });
    expect(sim.requests()[0]).toMatchObject({ api: 'remove_attr', path: '/v4/all_member_push/im_remove_attr' });
  });
});

describe('URL and UserSig checks', () => {
  it('rotates the key: old sigs then fail with 70009 until reset, and the key is never echoed', async () => {
    const sim = await start();
    const cfgRes = await fetch(`${sim.url}/__sim/config`, { method: 'POST', body: JSON.stringify({ secretKey: 'rotated' }) });
    expect(JSON.stringify(await cfgRes.json())).not.toContain('rotated');
    expect((await call(sim, 'get_attr_name', {})).json.ErrorCode).toBe(70009);
    sim.reset();
    expect((await call(sim, 'get_attr_name', {})).json.ErrorCode).toBe(0);
  });

  it('rejects a sig signed with another key (70009)', async () => {
    const sim = await start();
    const r = await call(sim, 'remove_attr', removeBody(['alice']), { usersig: new Api(APP, 'other-key').genUserSig(ADMIN, 86400) });
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70009 });
    expect(sim.getUser('alice')).toHaveProperty('sex');
    expect(sim.stats().sigFailures).toBe(1);
  });

  it('rejects an expired sig (70001)', async () => {
    const sim = await start({ now: () => Date.now() + 86401 * 1000 });
    const r = await call(sim, 'remove_attr', removeBody(['alice']));
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70001 });
  });

  it('rejects identifier mismatch (70013), sdkappid mismatch inside the sig (70014) and garbage (70003)', async () => {
    const sim = await start({ admins: [ADMIN, 'ops'] });
    expect((await call(sim, 'get_attr_name', {}, { identifier: 'ops' })).json.ErrorCode).toBe(70013);
    const otherApp = new Api(APP + 1, KEY).genUserSig(ADMIN, 86400);
    expect((await call(sim, 'get_attr_name', {}, { usersig: otherApp })).json.ErrorCode).toBe(70014);
    expect((await call(sim, 'get_attr_name', {}, { usersig: 'garbage' })).json.ErrorCode).toBe(70003);
    expect(sim.stats().sigFailures).toBe(3);
  });

  it('rejects a valid sig for a non-admin (90009)', async () => {
    const sim = await start();
    const r = await call(sim, 'remove_attr', removeBody(['alice']), { identifier: 'alice', usersig: new Api(APP, KEY).genUserSig('alice', 600) });
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90009 });
  });

  it('checks method, sdkappid, contenttype, random, identifier and usersig', async () => {
    const sim = await start();
    const code = async (q: Query, method?: string) => (await call(sim, 'get_attr_name', {}, q, { method })).json.ErrorCode;
    expect(await code({}, 'GET')).toBe(60002);
    expect(await code({ sdkappid: null })).toBe(60012);
    expect(await code({ sdkappid: '1400000999' })).toBe(70020);
    expect(await code({ contenttype: 'JSON' })).toBe(60025);
    expect(await code({ contenttype: null })).toBe(60025);
    expect(await code({ random: '4294967296' })).toBe(60025);
    expect(await code({ random: '-1' })).toBe(60025);
    expect(await code({ random: '1.5' })).toBe(60025);
    expect(await code({ random: null })).toBe(60025);
    expect(await code({ identifier: null })).toBe(60025);
    expect(await code({ usersig: null })).toBe(60025);
    expect(await code({ random: '4294967295' })).toBe(0);
    expect(await code({ random: '0' })).toBe(0);
  });

  it('answers 60009 for an unknown /v4 path and 404 elsewhere', async () => {
    const sim = await start();
    expect((await call(sim, 'nope', {})).json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60009 });
    expect((await fetch(`${sim.url}/elsewhere`, { method: 'POST' })).status).toBe(404);
  });
});

describe('rate limit', () => {
  it('answers 60007 to the request over qpsLimit and counts arrivals per API', async () => {
    const sim = await start({ qpsLimit: 5 });
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) codes.push((await call(sim, 'get_attr', { To_Account: ['alice'] })).json.ErrorCode);
    expect(codes).toEqual([0, 0, 0, 0, 0, 60007]);
    // Another API has its own window.
    expect((await call(sim, 'get_attr_name', {})).json.ErrorCode).toBe(0);
    expect(sim.stats()).toMatchObject({ rateLimited: 1, maxPerSecond: 6, maxPerSecondByApi: { get_attr: 6, get_attr_name: 1 } });
    expect(sim.stats().byApp[String(APP)]).toMatchObject({ rateLimited: 1, maxPerSecond: 6 });
  });
});

describe('per-API limits', () => {
  it('takes a limit per API at start; the others keep 100', async () => {
    const sim = await start({ qpsLimit: { get_attr: 2, remove_attr: 3 } });
    expect(sim.getConfig().qpsLimit).toEqual({ remove_attr: 3, get_attr: 2, set_attr: 100, get_attr_name: 100, set_attr_name: 100 });
    const codes = async (api: string, body: unknown, n: number) => {
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push((await call(sim, api, body)).json.ErrorCode);
      return out;
    };
    expect(await codes('get_attr', { To_Account: ['alice'] }, 3)).toEqual([0, 0, 60007]);
    expect(await codes('remove_attr', removeBody(['carol']), 4)).toEqual([0, 0, 0, 60007]);
    expect(await codes('get_attr_name', {}, 4)).toEqual([0, 0, 0, 0]);
  });

  it('POST /__sim/config patches one API or all of them, per app', async () => {
    const sim = await startTwo();
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`${sim.url}${p}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { qpsLimit?: unknown } };
    };
    expect((await post(`/__sim/config?sdkappid=${APP_B}`, { qpsLimit: { set_attr: 1 } })).body.qpsLimit).toEqual({
      remove_attr: 100, get_attr: 100, set_attr: 1, get_attr_name: 100, set_attr_name: 100,
    });
    expect((await post(`/__sim/config?sdkappid=${APP_B}`, { qpsLimit: { get_attr: 7 } })).body.qpsLimit).toMatchObject({ set_attr: 1, get_attr: 7 });
    expect(sim.getConfig().qpsLimit.set_attr).toBe(100);
    const set = { UserAttrs: [{ To_Account: 'zed', Attrs: { plan: 'x' } }] };
    expect((await call(sim, 'set_attr', set, inB())).json.ErrorCode).toBe(0);
    expect((await call(sim, 'set_attr', set, inB())).json.ErrorCode).toBe(60007);
    expect((await post('/__sim/config', { qpsLimit: 5 })).body.qpsLimit).toEqual({
      remove_attr: 5, get_attr: 5, set_attr: 5, get_attr_name: 5, set_attr_name: 5,
    });
    for (const bad of [{ qpsLimit: { get_attr: 0 } }, { qpsLimit: { bogus: 1 } }, { qpsLimit: 1.5 }, { qpsLimit: '5' }]) {
      expect((await post('/__sim/config', bad)).status, JSON.stringify(bad)).toBe(400);
    }
  });
});

describe('sibling APIs', () => {
  it('get_attr returns known users (with {} for no attributes) and 70107 for unknown ones', async () => {
    const sim = await start();
    const r = await call(sim, 'get_attr', { To_Account: ['alice', 'carol', 'ghost'] });
    expect(r.json).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      UserAttrs: [
        { To_Account: 'alice', Attrs: { sex: 'female', city: 'Shenzhen', tier: 'gold' } },
        { To_Account: 'carol', Attrs: {} },
      ],
      ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107, ErrorInfo: 'account not found' }],
    });
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`);
    expect((await call(sim, 'get_attr', { To_Account: many })).json.ErrorCode).toBe(90018);
  });

  it('get_attr_name returns names and, on timpush only, types', async () => {
    const sim = await start();
    expect((await call(sim, 'get_attr_name', {})).json).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      AttrNames: { '0': 'sex', '1': 'city', '2': 'tier' },
      AttrTypes: { '0': 0, '1': 0, '2': 0 },
    });
    const old = await call(sim, 'get_attr_name', {}, {}, { path: '/v4/all_member_push/im_get_attr_name' });
    expect(old.json).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', AttrNames: { '0': 'sex', '1': 'city', '2': 'tier' } });
  });

  it('set_attr sets values, reports unknown users, and checks names and value length', async () => {
    const sim = await start();
    const r = await call(sim, 'set_attr', {
      UserAttrs: [
        { To_Account: 'carol', Attrs: { city: 'Seoul' } },
        { To_Account: 'ghost', Attrs: { city: 'Seoul' } },
      ],
    });
    expect(r.json).toMatchObject({ ErrorCode: 0, ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107 }] });
    expect(sim.getUser('carol')).toEqual({ city: 'Seoul' });
    expect((await call(sim, 'set_attr', { UserAttrs: [{ To_Account: 'carol', Attrs: { planet: 'x' } }] })).json.ErrorCode).toBe(90033);
    const long = 'x'.repeat(51);
    expect((await call(sim, 'set_attr', { UserAttrs: [{ To_Account: 'carol', Attrs: { city: long } }] })).json.ErrorCode).toBe(90001);
  });

  it('set_attr_name writes slots and rejects duplicates with 90033', async () => {
    const sim = await start();
    expect((await call(sim, 'set_attr_name', { AttrNames: { '3': 'plan' }, AttrTypes: { '3': 0 } })).json.ErrorCode).toBe(0);
    const dup = await call(sim, 'set_attr_name', { AttrNames: { '4': 'city' } });
    expect(dup.json).toMatchObject({ ErrorCode: 90033, ErrorInfo: 'attrName:city already exists at index:1' });
    expect((await call(sim, 'set_attr_name', { AttrNames: { '1': 'town' }, AttrTypes: { '1': 1 } })).json.ErrorCode).toBe(90033);
    expect((await call(sim, 'set_attr_name', { AttrNames: { '10': 'x' } })).json.ErrorCode).toBe(90001);
    const names = await call(sim, 'get_attr_name', {});
    expect(names.json.AttrNames).toEqual({ '0': 'sex', '1': 'city', '2': 'tier', '3': 'plan' });
    // The new name is immediately usable.
    expect((await call(sim, 'remove_attr', removeBody(['alice'], ['plan']))).json.ErrorCode).toBe(0);
  });
});

describe('account types (AttrTypes) and 90035', () => {
  const REG = '379C2F0D-290D-47AE-94D1-919058C39C77';
  const startTyped = () =>
    start({
      attrNames: ['sex', 'city', 'device'],
      attrTypes: [0, 0, 1],
      users: { alice: { sex: 'female', city: 'Shenzhen' } },
      registrationIds: { [REG]: { device: 'phone' } },
    });

  it('reports each slot type on timpush get_attr_name and counts both kinds of account', async () => {
    const sim = await startTyped();
    expect((await call(sim, 'get_attr_name', {})).json).toMatchObject({ AttrTypes: { '0': 0, '1': 0, '2': 1 } });
    expect((await call(sim, 'get_attr_name', {}, {}, { path: '/v4/all_member_push/im_get_attr_name' })).json).not.toHaveProperty('AttrTypes');
    expect(sim.apps()).toMatchObject([{ users: 1, registrationIds: 1, attrTypes: { '0': 0, '1': 0, '2': 1 } }]);
  });

  it('set_attr lists an account whose kind does not match an attribute with 90035 and writes nothing of it', async () => {
    const sim = await startTyped();
    const r = await call(sim, 'set_attr', {
      UserAttrs: [
        { To_Account: 'alice', Attrs: { sex: 'male', device: 'tablet' } },
        { To_Account: REG, Attrs: { device: 'tablet' } },
        { To_Account: REG, Attrs: { city: 'Seoul' } },
        { To_Account: 'alice', Attrs: { city: 'Tokyo' } },
        { To_Account: 'ghost', Attrs: { device: 'tablet' } },
      ],
    });
    expect(r.json).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      ErrorList: [
        { To_Account: 'alice', ErrorCode: 90035, ErrorInfo: 'attrName:device is bound to RegistrationID accounts, alice is a UserID' },
        { To_Account: REG, ErrorCode: 90035, ErrorInfo: `attrName:city is bound to UserID accounts, ${REG} is a RegistrationID` },
        { To_Account: 'ghost', ErrorCode: 70107, ErrorInfo: 'account not found' },
      ],
    });
    expect(sim.getUser('alice')).toEqual({ sex: 'female', city: 'Tokyo' });
    expect(sim.getUser(REG)).toEqual({ device: 'tablet' });
  });

  it('a slot added by set_attr_name keeps the type it was given; get_attr and remove_attr ignore types', async () => {
    const sim = await startTyped();
    expect((await call(sim, 'set_attr_name', { AttrNames: { '3': 'os' }, AttrTypes: { '3': 1 } })).json.ErrorCode).toBe(0);
    const r = await call(sim, 'set_attr', { UserAttrs: [{ To_Account: REG, Attrs: { os: 'android' } }, { To_Account: 'alice', Attrs: { os: 'ios' } }] });
    expect(r.json.ErrorList).toEqual([expect.objectContaining({ To_Account: 'alice', ErrorCode: 90035 })]);
    expect((await call(sim, 'get_attr', { To_Account: [REG, 'alice'] })).json.UserAttrs).toEqual([
      { To_Account: REG, Attrs: { device: 'phone', os: 'android' } },
      { To_Account: 'alice', Attrs: { sex: 'female', city: 'Shenzhen' } },
    ]);
    expect((await call(sim, 'remove_attr', removeBody([REG], ['device', 'city']))).json).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(sim.getUser(REG)).toEqual({ os: 'android' });
    sim.reset();
    expect((await call(sim, 'get_attr_name', {})).json.AttrTypes).toEqual({ '0': 0, '1': 0, '2': 1 });
  });

  it('refuses bad seeds: an id of both kinds, more types than names, a type other than 0/1', async () => {
    await expect(start({ users: { a: {} }, registrationIds: { a: {} } })).rejects.toThrow(/both as a user and as a registration id/);
    await expect(start({ attrNames: ['sex'], attrTypes: [0, 1] })).rejects.toThrow(/attrTypes has 2 entries/);
    await expect(start({ attrNames: ['sex'], attrTypes: [2 as 0] })).rejects.toThrow(/attrTypes\[0\] must be 0/);
  });
});

describe('fault injection', () => {
  it('injects 91000 and HTTP 502 without changing state', async () => {
    const sim = await start({ random: () => 0, faults: { error91000: 1 } });
    const r = await call(sim, 'remove_attr', removeBody(['alice']));
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 91000 });
    expect(sim.getUser('alice')).toHaveProperty('sex', 'female');

    sim.setConfig({ faults: { error91000: 0, http5xx: 1 } });
    const res = await fetch(timUrl(sim, '/v4/timpush/remove_attr'), { method: 'POST', body: JSON.stringify(removeBody(['alice'])) });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(sim.getUser('alice')).toHaveProperty('sex', 'female');
    expect(sim.stats().faultsInjected).toMatchObject({ error91000: 1, http5xx: 1 });
    expect(sim.requests().map((e) => [e.fault, e.errorCode, e.httpStatus])).toEqual([
      ['error91000', 91000, 200],
      ['http5xx', null, 502],
    ]);
  });

  it('applies rates with the injected random source', async () => {
    const draws = [0.9, 0.1, 0.7];
    const sim = await start({ random: () => draws.shift() ?? 1, faults: { error91000: 0.5 } });
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) codes.push((await call(sim, 'get_attr_name', {})).json.ErrorCode);
    expect(codes).toEqual([0, 91000, 0]);
  });

  it('faults only hit requests that passed validation', async () => {
    const sim = await start({ random: () => 0, faults: { error91000: 1 } });
    expect((await call(sim, 'remove_attr', {})).json.ErrorCode).toBe(90001);
    expect(sim.stats().faultsInjected.error91000).toBe(0);
  });

  it('drops the connection', async () => {
    const sim = await start({ random: () => 0, faults: { drop: 1 } });
    await expect(call(sim, 'remove_attr', removeBody(['alice']))).rejects.toThrow();
    expect(sim.getUser('alice')).toHaveProperty('sex', 'female');
    expect(sim.requests()[0]).toMatchObject({ fault: 'drop', httpStatus: 0, errorCode: null });
  });

  it('hangs until the client gives up, and close() still returns promptly', async () => {
    const sim = await start({ random: () => 0, faults: { hang: 1 } });
    const t0 = Date.now();
    await expect(call(sim, 'get_attr_name', {}, {}, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const pending = call(sim, 'get_attr_name', {}).then(
      () => 'answered',
      () => 'failed',
    );
    while (sim.requests().length < 2) await new Promise((r) => setTimeout(r, 5));
    await sim.close();
    expect(await pending).toBe('failed');
  });

  it('answers 60002 with an ErrorInfo of hugeBytes that echoes the URL, UserSig included, changing nothing', async () => {
    const sim = await start({ random: () => 0, faults: { hugeErrorInfo: 1 } });
    const r = await call(sim, 'remove_attr', removeBody(['alice']));
    expect(r.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60002 });
    const info = r.json.ErrorInfo as string;
    expect(info).toHaveLength(10_000_000);
    expect(info.slice(0, 500)).toContain(`usersig=${SIG}`);
    expect(info.endsWith('aaaa')).toBe(true);
    expect(sim.getUser('alice')).toHaveProperty('sex', 'female');
    expect(sim.requests()[0]).toMatchObject({ fault: 'hugeErrorInfo', errorCode: 60002, httpStatus: 200 });

    sim.setConfig({ faults: { hugeBytes: 1000 } });
    expect(((await call(sim, 'remove_attr', removeBody(['alice']))).json.ErrorInfo as string).length).toBe(1000);
  });

  it('answers the real answer padded to hugeBytes, having done the work', async () => {
    const sim = await start({ random: () => 0, faults: { hugeBody: 1 } });
    const r = await call(sim, 'remove_attr', removeBody(['alice']));
    expect(r.json).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.json.Padding).toHaveLength(10_000_000);
    expect(sim.getUser('alice')).not.toHaveProperty('sex');
    expect(sim.stats().faultsInjected).toMatchObject({ hugeBody: 1, hugeErrorInfo: 0 });
  });

  it('answers slow requests late but normally, and adds latency', async () => {
    const sim = await start({ random: () => 0, faults: { slow: 1, slowMs: 120 }, latencyMs: 30 });
    const t0 = Date.now();
    const r = await call(sim, 'remove_attr', removeBody(['alice']));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    expect(r.json.ErrorCode).toBe(0);
    expect(sim.getUser('alice')).toEqual({ tier: 'gold' });
  });
});

describe('robustness', () => {
  it('ignores a client that disconnects mid-body and keeps serving', async () => {
    const sim = await start();
    const errors = vi.spyOn(console, 'error');
    await new Promise<void>((resolve) => {
      const req = request(timUrl(sim, '/v4/timpush/remove_attr'), { method: 'POST', headers: { 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"UserAttrs":[', () => setTimeout(() => req.destroy(), 20));
    });
    expect((await call(sim, 'get_attr_name', {})).json.ErrorCode).toBe(0);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});

describe('several apps on one server', () => {
  it('routes by sdkappid: each app has its own names and users, and an unknown one is 70020', async () => {
    const sim = await startTwo();
    expect((await call(sim, 'get_attr_name', {})).json.AttrNames).toEqual({ '0': 'sex', '1': 'city', '2': 'tier' });
    expect((await call(sim, 'get_attr_name', {}, inB())).json.AttrNames).toEqual({ '0': 'city', '1': 'plan' });

    expect((await call(sim, 'remove_attr', removeBody(['alice'], ['city']), inB())).json).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    // App A's alice is another account: untouched.
    expect((await call(sim, 'get_attr', { To_Account: ['alice'] })).json.UserAttrs).toEqual([
      { To_Account: 'alice', Attrs: { sex: 'female', city: 'Shenzhen', tier: 'gold' } },
    ]);
    expect((await call(sim, 'get_attr', { To_Account: ['alice', 'zed'] }, inB())).json.UserAttrs).toEqual([
      { To_Account: 'alice', Attrs: { plan: 'pro' } },
      { To_Account: 'zed', Attrs: {} },
    ]);
    // zed exists only in B; a name of B only is no name of A.
    expect((await call(sim, 'get_attr', { To_Account: ['zed'] })).json.ErrorList).toEqual([{ To_Account: 'zed', ErrorCode: 70107, ErrorInfo: 'account not found' }]);
    expect((await call(sim, 'remove_attr', removeBody(['alice'], ['plan']))).json.ErrorCode).toBe(90033);

    expect((await call(sim, 'get_attr_name', {}, { sdkappid: '1400000999' })).json.ErrorCode).toBe(70020);
  });

  it("verifies each app's sigs with its own key: app A's key used for app B is 70009", async () => {
    const sim = await startTwo();
    const bWithKeyA = new Api(APP_B, KEY).genUserSig(ADMIN, 86400);
    expect((await call(sim, 'remove_attr', removeBody(['alice']), inB({ usersig: bWithKeyA }))).json).toMatchObject({ ErrorCode: 70009 });
    // A's own sig names A inside, so sent for B it is an sdkappid mismatch.
    expect((await call(sim, 'remove_attr', removeBody(['alice']), inB({ usersig: SIG }))).json).toMatchObject({ ErrorCode: 70014 });
    expect((await call(sim, 'remove_attr', removeBody(['alice']), { usersig: new Api(APP, KEY_B).genUserSig(ADMIN, 86400) })).json.ErrorCode).toBe(70009);
    expect((await call(sim, 'get_attr', { To_Account: ['alice'] }, inB())).json.UserAttrs).toEqual([{ To_Account: 'alice', Attrs: { city: 'Seoul', plan: 'pro' } }]);
    expect(sim.stats().sigFailures).toBe(3);

    // Rotating the first app's key leaves app B's alone.
    sim.setConfig({ secretKey: 'rotated' });
    expect((await call(sim, 'get_attr_name', {})).json.ErrorCode).toBe(70009);
    expect((await call(sim, 'get_attr_name', {}, inB())).json.ErrorCode).toBe(0);
  });

  it('has admins per app', async () => {
    const sim = await startTwo({}, { admins: ['ops'] });
    expect((await call(sim, 'get_attr_name', {}, inB())).json.ErrorCode).toBe(90009);
    const opsB = new Api(APP_B, KEY_B).genUserSig('ops', 600);
    expect((await call(sim, 'get_attr_name', {}, inB({ identifier: 'ops', usersig: opsB }))).json.ErrorCode).toBe(0);
    const opsA = new Api(APP, KEY).genUserSig('ops', 600);
    expect((await call(sim, 'get_attr_name', {}, { identifier: 'ops', usersig: opsA })).json.ErrorCode).toBe(90009);
  });

  it('limits calls per app and per API: app B has its own windows and limit', async () => {
    const sim = await startTwo({}, { qpsLimit: 2 });
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) codes.push((await call(sim, 'get_attr', { To_Account: ['alice'] }, inB())).json.ErrorCode);
    expect(codes).toEqual([0, 0, 60007]);
    // App A (limit 100) is not slowed by B's traffic.
    for (let i = 0; i < 3; i++) expect((await call(sim, 'get_attr', { To_Account: ['alice'] })).json.ErrorCode).toBe(0);
    expect(sim.stats()).toMatchObject({ requests: 6, rateLimited: 1, maxPerSecond: 3 });
  });

  it('logs the app of each request and counts per app; the totals add up and take the highest window', async () => {
    const sim = await startTwo({}, { qpsLimit: 2 });
    await call(sim, 'remove_attr', removeBody(['alice'], ['sex']));
    for (let i = 0; i < 3; i++) await call(sim, 'get_attr', { To_Account: ['alice'] }, inB());
    await call(sim, 'remove_attr', removeBody(['alice', 'zed'], ['city']), inB());
    await call(sim, 'get_attr_name', {}, inB({ usersig: SIG }));
    await call(sim, 'get_attr_name', {}, { sdkappid: '1400000999' });
    await call(sim, 'nope', {}, inB());

    expect(sim.requests().map((e) => [e.sdkAppId, e.api, e.errorCode])).toEqual([
      [APP, 'remove_attr', 0],
      [APP_B, 'get_attr', 0],
      [APP_B, 'get_attr', 0],
      [APP_B, 'get_attr', 60007],
      [APP_B, 'remove_attr', 0],
      [APP_B, 'get_attr_name', 70014],
      [null, 'get_attr_name', 70020],
      [APP_B, 'unknown', 60009],
    ]);
    const zeros = { remove_attr: 0, get_attr: 0, set_attr: 0, get_attr_name: 0, set_attr_name: 0 };
    const stats = sim.stats();
    expect(stats.byApp).toEqual({
      [String(APP)]: {
        requests: 1,
        byApi: { ...zeros, remove_attr: 1 },
        rateLimited: 0,
        maxPerSecond: 1,
        maxPerSecondByApi: { ...zeros, remove_attr: 1 },
        sigFailures: 0,
        faultsInjected: { drop: 0, hang: 0, slow: 0, http5xx: 0, error91000: 0, hugeErrorInfo: 0, hugeBody: 0 },
        usersRemoved: 1,
      },
      [String(APP_B)]: {
        requests: 6,
        byApi: { ...zeros, get_attr: 3, remove_attr: 1, get_attr_name: 1 },
        rateLimited: 1,
        maxPerSecond: 3,
        maxPerSecondByApi: { ...zeros, get_attr: 3, remove_attr: 1 },
        sigFailures: 1,
        faultsInjected: { drop: 0, hang: 0, slow: 0, http5xx: 0, error91000: 0, hugeErrorInfo: 0, hugeBody: 0 },
        usersRemoved: 2,
      },
    });
    expect(stats).toMatchObject({
      requests: 8,
      byApi: { remove_attr: 2, get_attr: 3, get_attr_name: 2 },
      rateLimited: 1,
      maxPerSecond: 3,
      maxPerSecondByApi: { get_attr: 3, remove_attr: 1, get_attr_name: 0 },
      sigFailures: 1,
      usersRemoved: 3,
    });
  });

  it('rejects a mix of apps and single-app options, duplicate and missing apps', async () => {
    const app = { sdkAppId: APP, secretKey: KEY };
    // @ts-expect-error -- the types refuse the mix too
    await expect(startSimulator({ apps: [app], sdkAppId: APP })).rejects.toThrow(/either apps or the single-app options.*sdkAppId/);
    await expect(startSimulator({ apps: [app, { ...app, secretKey: 'x' }] })).rejects.toThrow(/apps\[1\]\.sdkAppId 1400000001 is given twice/);
    await expect(startSimulator({ apps: [] })).rejects.toThrow(/non-empty/);
    await expect(startSimulator({ apps: [app, { sdkAppId: APP_B, secretKey: '' }] })).rejects.toThrow(/apps\[1\]\.secretKey/);
  });

  it('reset restores every app', async () => {
    const sim = await startTwo();
    await call(sim, 'remove_attr', removeBody(['alice'], ['plan']), inB());
    await call(sim, 'remove_attr', removeBody(['alice'], ['tier']));
    sim.reset();
    expect((await call(sim, 'get_attr', { To_Account: ['alice'] }, inB())).json.UserAttrs).toEqual([{ To_Account: 'alice', Attrs: { city: 'Seoul', plan: 'pro' } }]);
    expect(sim.getUser('alice')).toEqual({ sex: 'female', city: 'Shenzhen', tier: 'gold' });
    expect(sim.stats().requests).toBe(1);
  });
});

describe('control API', () => {
  it('serves stats, requests, users, config and reset over HTTP', async () => {
    const sim = await start();
    await call(sim, 'remove_attr', removeBody(['alice', 'ghost']));
    const get = async (p: string) => {
      const res = await fetch(`${sim.url}${p}`);
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const post = async (p: string, body?: unknown) => {
      const res = await fetch(`${sim.url}${p}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as unknown };
    };

    expect((await get('/__sim/stats')).body).toMatchObject({ requests: 1, usersRemoved: 1, byApi: { remove_attr: 1 } });
    expect((await get('/__sim/requests')).body).toMatchObject([{ api: 'remove_attr', userCount: 2, accounts: ['alice', 'ghost'] }]);
    expect(await get('/__sim/users/alice')).toEqual({ status: 200, body: { tier: 'gold' } });
    expect((await get('/__sim/users/ghost')).status).toBe(404);
    expect((await post('/__sim/users/query', { ids: ['alice', 'carol', 'ghost'] })).body).toEqual({
      users: { alice: { tier: 'gold' }, carol: {}, ghost: null },
    });

    expect((await fetch(`${sim.url}/__sim/requests`, { method: 'DELETE' })).status).toBe(200);
    expect((await get('/__sim/requests')).body).toEqual([]);

    expect((await post('/__sim/config', { qpsLimit: 1, faults: { http5xx: 0.25 } })).body).toMatchObject({
      qpsLimit: { remove_attr: 1, get_attr: 1, set_attr: 1, get_attr_name: 1, set_attr_name: 1 },
      faults: { http5xx: 0.25, slowMs: 15000 },
    });
    expect((await post('/__sim/config', { qpsLimit: -1 })).status).toBe(400);
    expect((await post('/__sim/config', { bogus: 1 })).status).toBe(400);

    expect((await post('/__sim/reset')).status).toBe(200);
    expect(sim.getUser('alice')).toEqual({ sex: 'female', city: 'Shenzhen', tier: 'gold' });
    expect(sim.stats().requests).toBe(0);
    expect(sim.getConfig().qpsLimit).toEqual({ remove_attr: 100, get_attr: 100, set_attr: 100, get_attr_name: 100, set_attr_name: 100 });
  });
});

describe('control API per app', () => {
  const http = (sim: Simulator) => ({
    get: async (p: string) => {
      const res = await fetch(`${sim.url}${p}`);
      return { status: res.status, body: (await res.json()) as unknown };
    },
    send: async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${sim.url}${p}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as unknown };
    },
  });

  it('lists the apps without their keys', async () => {
    const sim = await startTwo({}, { attrNames: ['city', 'plan'] });
    await call(sim, 'set_attr_name', { AttrNames: { '2': 'tier' } }, inB());
    const { status, body } = await http(sim).get('/__sim/apps');
    expect(status).toBe(200);
    expect(body).toEqual([
      { sdkAppId: APP, users: 1, registrationIds: 0, attrNames: { '0': 'sex', '1': 'city', '2': 'tier' }, attrTypes: { '0': 0, '1': 0, '2': 0 } },
      { sdkAppId: APP_B, users: 2, registrationIds: 0, attrNames: { '0': 'city', '1': 'plan', '2': 'tier' }, attrTypes: { '0': 0, '1': 0, '2': 0 } },
    ]);
    expect(sim.apps()).toEqual(body);
    expect(JSON.stringify(body)).not.toMatch(/sim-test-secret/);
    expect((await http(sim).get(`/__sim/apps?sdkappid=${APP_B}`)).body).toEqual([(body as unknown[])[1]]);
  });

  it('addresses one app with ?sdkappid= on users, config, requests, stats and reset; the first app without it', async () => {
    const sim = await startTwo();
    const { get, send } = http(sim);
    await call(sim, 'remove_attr', removeBody(['alice'], ['city']), inB());
    await call(sim, 'remove_attr', removeBody(['alice'], ['tier']));

    expect(await get(`/__sim/users/alice?sdkappid=${APP_B}`)).toEqual({ status: 200, body: { plan: 'pro' } });
    expect(await get('/__sim/users/alice')).toEqual({ status: 200, body: { sex: 'female', city: 'Shenzhen' } });
    expect((await get('/__sim/users/zed')).status).toBe(404);
    expect((await send('POST', `/__sim/users/query?sdkappid=${APP_B}`, { ids: ['alice', 'zed', 'ghost'] })).body).toEqual({
      users: { alice: { plan: 'pro' }, zed: {}, ghost: null },
    });

    expect((await get(`/__sim/requests?sdkappid=${APP_B}`)).body).toMatchObject([{ sdkAppId: APP_B, accounts: ['alice'] }]);
    expect((await get('/__sim/requests')).body).toHaveLength(2);
    expect((await get(`/__sim/stats?sdkappid=${APP_B}`)).body).toMatchObject({ requests: 1, usersRemoved: 1, byApi: { remove_attr: 1 } });
    expect((await get(`/__sim/stats?sdkappid=${APP_B}`)).body).not.toHaveProperty('byApp');
    expect((await get('/__sim/stats')).body).toMatchObject({ requests: 2, byApp: { [String(APP)]: { requests: 1 } } });

    // Key rotation and limits of app B only; the answer never echoes the key.
    const cfg = await send('POST', `/__sim/config?sdkappid=${APP_B}`, { secretKey: 'rotated-b', latencyMs: 5 });
    expect(cfg.status).toBe(200);
    expect(JSON.stringify(cfg.body)).not.toContain('rotated-b');
    expect(cfg.body).toMatchObject({ latencyMs: 5 });
    expect((await get('/__sim/config')).body).toMatchObject({ latencyMs: 0 });
    expect((await get(`/__sim/config?sdkappid=${APP_B}`)).body).toMatchObject({ latencyMs: 5 });
    expect((await call(sim, 'get_attr_name', {}, inB())).json.ErrorCode).toBe(70009);
    const rotated = new Api(APP_B, 'rotated-b').genUserSig(ADMIN, 600);
    expect((await call(sim, 'get_attr_name', {}, inB({ usersig: rotated }))).json.ErrorCode).toBe(0);
    expect((await call(sim, 'get_attr_name', {})).json.ErrorCode).toBe(0);

    expect((await send('DELETE', `/__sim/requests?sdkappid=${APP_B}`)).status).toBe(200);
    expect(sim.requests().map((e) => e.sdkAppId)).toEqual([APP, APP]);

    // Reset of B: its users, key, config, counters and log entries; A keeps its own.
    await call(sim, 'get_attr_name', {}, inB({ usersig: rotated }));
    expect((await send('POST', `/__sim/reset?sdkappid=${APP_B}`)).status).toBe(200);
    expect(sim.getUser('alice', APP_B)).toEqual({ city: 'Seoul', plan: 'pro' });
    expect(sim.getConfig(APP_B).latencyMs).toBe(0);
    expect(sim.stats(APP_B).requests).toBe(0);
    expect(sim.requests(APP_B)).toEqual([]);
    expect((await call(sim, 'get_attr_name', {}, inB())).json.ErrorCode).toBe(0);
    expect(sim.getUser('alice')).toEqual({ sex: 'female', city: 'Shenzhen' });
    expect(sim.stats(APP)).toMatchObject({ requests: 2 });
    expect(sim.requests(APP)).toHaveLength(2);
  });

  it('answers 404 for an unknown app and 400 for a malformed one; the methods throw', async () => {
    const sim = await startTwo();
    const { get, send } = http(sim);
    for (const p of ['/__sim/stats', '/__sim/requests', '/__sim/config', '/__sim/users/alice', '/__sim/apps']) {
      expect(await get(`${p}?sdkappid=1400000999`), p).toEqual({ status: 404, body: { error: 'unknown sdkappid 1400000999' } });
      expect((await get(`${p}?sdkappid=abc`)).status, p).toBe(400);
    }
    expect((await send('POST', '/__sim/reset?sdkappid=1400000999')).status).toBe(404);
    expect((await send('POST', '/__sim/config?sdkappid=1400000999', { latencyMs: 1 })).status).toBe(404);
    expect(() => sim.getUser('alice', 1400000999)).toThrow(/unknown sdkappid/);
    expect(() => sim.setConfig({ latencyMs: 1 }, 1400000999)).toThrow(/unknown sdkappid/);
    expect(() => sim.stats(1400000999)).toThrow(/unknown sdkappid/);
    expect(() => sim.requests(1400000999)).toThrow(/unknown sdkappid/);
  });
});

describe('bounded memory', () => {
  it('keeps the newest logLimit entries and account lists only for the newest ones', async () => {
    const sim = await start({ logLimit: 5, logAccountsLimit: 2 });
    for (let i = 0; i < 7; i++) await call(sim, 'get_attr', { To_Account: [`u${i}`] });
    const log = sim.requests();
    expect(log).toHaveLength(5);
    expect(log.map((e) => e.accounts?.[0] ?? null)).toEqual([null, null, null, 'u5', 'u6']);
  });
});
