import { expect, type APIRequestContext } from '@playwright/test';
import { genUserSig } from '../../lib/tim/usersig';
import { E2E } from './env';

export interface SimRequest {
  /** Wall-clock ms at arrival (the simulator runs on this machine, so it compares with Date.now()). */
  at: number;
  api: string;
  userCount: number;
  /** The accounts the request carried (the simulator keeps them for its latest requests). */
  accounts?: string[];
  errorCode: number | null;
}

/** The simulator's control API: what it was sent and what state users are in now. */
export function sim(request: APIRequestContext) {
  const url = (path: string) => `${E2E.simUrl}/__sim/${path}`;
  return {
    async reset() {
      expect((await request.post(url('reset'))).ok()).toBe(true);
      expect((await request.delete(url('requests'))).ok()).toBe(true);
    },
    async configure(patch: Record<string, unknown>) {
      expect((await request.post(url('config'), { data: patch })).ok()).toBe(true);
    },
    async user(id: string): Promise<Record<string, string> | null> {
      const res = await request.get(url(`users/${encodeURIComponent(id)}`));
      if (res.status() === 404) return null;
      return (await res.json()) as Record<string, string>;
    },
    async users(ids: string[]): Promise<Record<string, Record<string, string> | null>> {
      const res = await request.post(url('users/query'), { data: { ids } });
      return ((await res.json()) as { users: Record<string, Record<string, string> | null> }).users;
    },
    /** As someone else would, through the simulator's own set_attr: a value set again after a removal. */
    async setAttr(account: string, attrs: Record<string, string>) {
      const usersig = genUserSig({ sdkAppId: E2E.sdkAppId, identifier: 'administrator', secretKey: E2E.secretKey, expireSeconds: 600, nowMs: Date.now() });
      const q = new URLSearchParams({ sdkappid: String(E2E.sdkAppId), identifier: 'administrator', usersig, random: '7', contenttype: 'json' });
      const res = await request.post(`${E2E.simUrl}/v4/timpush/set_attr?${q}`, { data: { UserAttrs: [{ To_Account: account, Attrs: attrs }] } });
      expect(((await res.json()) as { ErrorCode: number }).ErrorCode).toBe(0);
    },
    async requests(api = 'remove_attr'): Promise<SimRequest[]> {
      const body = (await (await request.get(url('requests'))).json()) as SimRequest[] | { requests: SimRequest[] };
      const list = Array.isArray(body) ? body : body.requests;
      return list.filter((r) => r.api === api);
    },
  };
}
