// The TIM wire as the simulator reads it: the five APIs and their paths, the request limits, the
// error envelope, and the checks of each request body (fact sheet /work/shared/tim-api-facts.md).
// Not shared with lib/tim: it exists to check the console's requests.
import type { IncomingMessage } from 'node:http';
import { ATTR_SLOTS, type Attrs, type AttrType } from './state';

export type SimApi = 'remove_attr' | 'get_attr' | 'set_attr' | 'get_attr_name' | 'set_attr_name';
export const SIM_APIS: readonly SimApi[] = ['remove_attr', 'get_attr', 'set_attr', 'get_attr_name', 'set_attr_name'];

const MAX_USERS_PER_REQUEST = 100;
const MAX_VALUE_BYTES = 50;
const MAX_NAME_BYTES = 50;
// 100 users × (32-byte id + 10 × (50 + 50) bytes) is ~110 kB; anything far above is not a valid call.
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_UINT32 = 4294967295;

interface Route {
  api: SimApi;
  /** The old all_member_push family has no AttrTypes. */
  legacy: boolean;
}

export const ROUTES = new Map<string, Route>();
for (const api of SIM_APIS) {
  ROUTES.set(`/v4/timpush/${api}`, { api, legacy: false });
  ROUTES.set(`/v4/all_member_push/im_${api}`, { api, legacy: true });
}

export class ApiError {
  constructor(
    readonly code: number,
    readonly info: string,
  ) {}
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function envelope(code: number, info: string): Json {
  return { ActionStatus: code === 0 ? 'OK' : 'FAIL', ErrorCode: code, ErrorInfo: info };
}

/** Resolves null when the client went away mid-body: there is nobody left to answer. */
export function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep draining so the connection stays usable, but stop buffering.
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => resolve(null));
    req.on('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

/** Best-effort account list for the log, from whatever the body looks like. */
export function accountsOf(api: SimApi, body: unknown): string[] | undefined {
  if (!isObject(body)) return undefined;
  if (api === 'get_attr') {
    const list = body.To_Account;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : undefined;
  }
  if (api === 'remove_attr' || api === 'set_attr') {
    const list = body.UserAttrs;
    if (!Array.isArray(list)) return undefined;
    const out: string[] = [];
    for (const e of list) if (isObject(e) && typeof e.To_Account === 'string') out.push(e.To_Account);
    return out;
  }
  return undefined;
}

export function userCountOf(api: SimApi, body: unknown): number {
  if (!isObject(body)) return 0;
  const list = api === 'get_attr' ? body.To_Account : api === 'remove_attr' || api === 'set_attr' ? body.UserAttrs : undefined;
  return Array.isArray(list) ? list.length : 0;
}

interface UserOp<T> {
  account: string;
  value: T;
}

export function parseUserAttrs<T>(body: Json, parseAttrs: (v: unknown) => T): UserOp<T>[] {
  const list = body.UserAttrs;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError(90001, 'UserAttrs must be a non-empty array');
  if (list.length > MAX_USERS_PER_REQUEST) {
    throw new ApiError(90018, `too many accounts: ${list.length} > ${MAX_USERS_PER_REQUEST}`);
  }
  return list.map((entry, i) => {
    if (!isObject(entry)) throw new ApiError(90001, `UserAttrs[${i}] must be an object`);
    const account = entry.To_Account;
    if (typeof account !== 'string' || account.length === 0) {
      throw new ApiError(60015, `UserAttrs[${i}].To_Account must be a non-empty string`);
    }
    return { account, value: parseAttrs(entry.Attrs) };
  });
}

export function parseRemoveAttrs(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw new ApiError(90001, 'Attrs must be an array of attribute names');
  }
  return v;
}

export function parseSetAttrs(v: unknown): Attrs {
  if (!isObject(v)) throw new ApiError(90001, 'Attrs must be an object of name → value');
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new ApiError(90001, `value of attribute ${k} must be a string`);
    if (utf8Bytes(val) > MAX_VALUE_BYTES) {
      throw new ApiError(90001, `value of attribute ${k} is longer than ${MAX_VALUE_BYTES} bytes`);
    }
  }
  return v as Attrs;
}

export function parseGetAttr(body: Json): string[] {
  const list = body.To_Account;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError(90001, 'To_Account must be a non-empty array');
  if (list.length > MAX_USERS_PER_REQUEST) {
    throw new ApiError(90018, `too many accounts: ${list.length} > ${MAX_USERS_PER_REQUEST}`);
  }
  list.forEach((a, i) => {
    if (typeof a !== 'string' || a.length === 0) throw new ApiError(60015, `To_Account[${i}] must be a non-empty string`);
  });
  return list as string[];
}

function parseSlot(key: string): number {
  if (!/^[0-9]$/.test(key)) throw new ApiError(90001, `attribute index ${JSON.stringify(key)} must be "0".."${ATTR_SLOTS - 1}"`);
  return Number(key);
}

export function parseSetAttrName(body: Json, legacy: boolean): { names: Map<number, string>; types: Map<number, AttrType> } {
  const rawNames = body.AttrNames;
  if (!isObject(rawNames) || Object.keys(rawNames).length === 0) {
    throw new ApiError(90001, 'AttrNames must be a non-empty object');
  }
  const names = new Map<number, string>();
  for (const [k, v] of Object.entries(rawNames)) {
    const slot = parseSlot(k);
    if (typeof v !== 'string' || v.length === 0 || utf8Bytes(v) > MAX_NAME_BYTES) {
      throw new ApiError(90001, `AttrNames.${k} must be a string of 1..${MAX_NAME_BYTES} bytes`);
    }
    names.set(slot, v);
  }
  const types = new Map<number, AttrType>();
  // AttrTypes exists only on the timpush family; the old family ignores the field.
  if (!legacy && body.AttrTypes !== undefined) {
    const rawTypes = body.AttrTypes;
    if (!isObject(rawTypes)) throw new ApiError(90001, 'AttrTypes must be an object');
    for (const [k, v] of Object.entries(rawTypes)) {
      const slot = parseSlot(k);
      if (!names.has(slot)) throw new ApiError(90001, `AttrTypes.${k} has no matching AttrNames entry`);
      if (v !== 0 && v !== 1) throw new ApiError(90001, `AttrTypes.${k} must be 0 or 1`);
      types.set(slot, v);
    }
  }
  return { names, types };
}
