// Deterministic demo data (no Math.random) so screenshots, docs and tests see the same users every run.

export const DEMO_SDKAPPID = 1400000000;
export const DEMO_SECRET_KEY = 'demo-secret-key-not-for-production';
export const DEMO_ATTR_NAMES = ['sex', 'city', 'tier', 'country', 'plan'] as const;
export const DEMO_NAMED_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'] as const;

export interface SimSeed {
  attrNames: string[];
  users: Record<string, Record<string, string>>;
}

const SEXES = ['female', 'male'] as const;
const PLACES = [
  ['Shenzhen', 'CN'],
  ['Beijing', 'CN'],
  ['Shanghai', 'CN'],
  ['Singapore', 'SG'],
  ['Seoul', 'KR'],
  ['Tokyo', 'JP'],
  ['Frankfurt', 'DE'],
  ['San Jose', 'US'],
  ['Jakarta', 'ID'],
  ['Mumbai', 'IN'],
  ['Guangzhou', 'CN'],
] as const;
const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
const PLANS = ['free', 'basic', 'pro', 'enterprise', 'trial'] as const;

function pick<T>(list: readonly T[], i: number): T {
  const v = list[i % list.length];
  if (v === undefined) throw new Error('empty list');
  return v;
}

/**
 * Strides are coprime with the list lengths so neighbouring users get different combinations. The
 * variant shifts every pick, so the same user holds other values in another app (its city differs
 * unless the variants differ by a multiple of 11).
 */
function attrsFor(i: number, v: number): Record<string, string> {
  const [city, country] = pick(PLACES, i * 7 + 3 + v);
  const attrs: Record<string, string> = { sex: pick(SEXES, i + v), city };
  if (!lacksTier(i)) attrs.tier = pick(TIERS, Math.floor(i / 3) + i + v);
  attrs.country = country;
  if (!lacksPlan(i)) attrs.plan = pick(PLANS, i * 3 + Math.floor(i / 5) + v);
  return attrs;
}

/**
 * Gaps, so a dry run finds users without a value: every 4th user (dave, heidi, user00002, …) has no
 * plan, every 6th (frank, user00002, …) no tier, every 12th neither. By position, the same in every
 * variant. sex, city and country are always set, and alice (0), grace (6) and user02400 (2409) keep
 * their tier and city: browser tests rely on them.
 */
const lacksPlan = (i: number): boolean => i % 4 === 3;
const lacksTier = (i: number): boolean => i % 6 === 5;

/**
 * `userCount` users in total: the ten named ones first, then user00001, user00002, … The IDs do not
 * depend on `variant`; the values do (the CLI gives each app its index, so apps hold different values).
 */
export function demoSeed(userCount = 2000, variant = 0): SimSeed {
  if (!Number.isSafeInteger(userCount) || userCount < 0) throw new Error('userCount must be a non-negative integer');
  if (!Number.isSafeInteger(variant) || variant < 0) throw new Error('variant must be a non-negative integer');
  const users: Record<string, Record<string, string>> = {};
  let i = 0;
  for (const name of DEMO_NAMED_USERS) {
    if (i >= userCount) break;
    users[name] = attrsFor(i++, variant);
  }
  for (let n = 1; i < userCount; n++) users[`user${String(n).padStart(5, '0')}`] = attrsFor(i++, variant);
  return { attrNames: [...DEMO_ATTR_NAMES], users };
}
