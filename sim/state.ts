// In-memory model of one app's push attributes: the 10 attribute-name slots and each user's values.
//
// Users are stored copy-on-write over the seed: the seed map is never mutated, a changed user gets a
// fresh object in `changed`. That keeps reset() O(1) and memory bounded by seed + touched users, which
// matters when the benchmark seeds a million users.

export type Attrs = Record<string, string>;
/** An attribute's account type, and an account's kind: 0 = UserID, 1 = RegistrationID. */
export type AttrType = 0 | 1;
export const ACCOUNT_KIND_NAMES: Readonly<Record<AttrType, string>> = { 0: 'UserID', 1: 'RegistrationID' };

export const ATTR_SLOTS = 10;

export interface AttrTable {
  /** slot → name; undefined = empty slot */
  names: (string | undefined)[];
  /** slot → account type; only meaningful where a name is set */
  types: (AttrType | undefined)[];
}

export type SetAttrNamesResult = { ok: true } | { ok: false; info: string };

function cloneAttrs(a: Readonly<Attrs>): Attrs {
  // Object.fromEntries defines own properties, so a name like "__proto__" stays data, not a prototype.
  return Object.fromEntries(Object.entries(a));
}

function buildTable(attrNames: readonly string[], attrTypes: readonly AttrType[]): AttrTable {
  if (attrNames.length > ATTR_SLOTS) {
    throw new Error(`at most ${ATTR_SLOTS} attribute names are allowed, got ${attrNames.length}`);
  }
  const seen = new Set<string>();
  for (const n of attrNames) {
    if (n.length === 0) throw new Error('attribute names must be non-empty');
    if (seen.has(n)) throw new Error(`duplicate attribute name ${JSON.stringify(n)}`);
    seen.add(n);
  }
  if (attrTypes.length > attrNames.length) {
    throw new Error(`attrTypes has ${attrTypes.length} entries but there are only ${attrNames.length} attribute names`);
  }
  attrTypes.forEach((t, i) => {
    if (t !== 0 && t !== 1) throw new Error(`attrTypes[${i}] must be 0 (UserID) or 1 (RegistrationID)`);
  });
  const names: (string | undefined)[] = Array.from({ length: ATTR_SLOTS }, (_, i) => attrNames[i]);
  const types: (AttrType | undefined)[] = names.map((n, i) => (n === undefined ? undefined : (attrTypes[i] ?? 0)));
  return { names, types };
}

export interface SimStateOptions {
  /** Slot i ↔ account type of attrNames[i]; missing = 0 (UserID). */
  attrTypes?: readonly AttrType[];
  /** RegistrationID accounts, seeded like users; an id may not be both. */
  registrationIds?: Readonly<Record<string, Readonly<Attrs>>>;
}

export class SimState {
  private readonly seedNames: readonly string[];
  private readonly seedTypes: readonly AttrType[];
  /** Every account, UserIDs and RegistrationIDs alike. */
  private readonly seedUsers: Map<string, Readonly<Attrs>>;
  private readonly registrationIds = new Set<string>();
  private changed = new Map<string, Attrs>();
  private table: AttrTable;
  private nameToSlot = new Map<string, number>();

  constructor(attrNames: readonly string[], users: Readonly<Record<string, Readonly<Attrs>>>, opts: SimStateOptions = {}) {
    this.seedNames = [...attrNames];
    this.seedTypes = [...(opts.attrTypes ?? [])];
    this.table = buildTable(this.seedNames, this.seedTypes);
    this.reindex();
    this.seedUsers = new Map();
    for (const id of Object.keys(users)) {
      const a = users[id];
      if (a !== undefined) this.seedUsers.set(id, a);
    }
    const regs = opts.registrationIds ?? {};
    for (const id of Object.keys(regs)) {
      const a = regs[id];
      if (a === undefined) continue;
      if (this.seedUsers.has(id)) throw new Error(`account ${JSON.stringify(id)} is given both as a user and as a registration id`);
      this.seedUsers.set(id, a);
      this.registrationIds.add(id);
    }
  }

  reset(): void {
    this.changed = new Map();
    this.table = buildTable(this.seedNames, this.seedTypes);
    this.reindex();
  }

  /** UserID accounts. */
  get userCount(): number {
    return this.seedUsers.size - this.registrationIds.size;
  }

  get registrationIdCount(): number {
    return this.registrationIds.size;
  }

  /** undefined when there is no such account. */
  accountKind(id: string): AttrType | undefined {
    if (!this.seedUsers.has(id)) return undefined;
    return this.registrationIds.has(id) ? 1 : 0;
  }

  /** The account type an attribute name is bound to; undefined for an unknown name. */
  attrType(name: string): AttrType | undefined {
    const slot = this.nameToSlot.get(name);
    return slot === undefined ? undefined : (this.table.types[slot] ?? 0);
  }

  hasAttrName(name: string): boolean {
    return this.nameToSlot.has(name);
  }

  attrTable(): { names: Record<string, string>; types: Record<string, AttrType> } {
    const names: Record<string, string> = {};
    const types: Record<string, AttrType> = {};
    for (let i = 0; i < ATTR_SLOTS; i++) {
      const n = this.table.names[i];
      if (n === undefined) continue;
      names[String(i)] = n;
      types[String(i)] = this.table.types[i] ?? 0;
    }
    return { names, types };
  }

  /**
   * Writes the given slots; untouched slots keep their names. Rejects (changing nothing) a name that
   * would then appear in two slots, or a type change for a slot whose type is already set.
   */
  setAttrNames(names: ReadonlyMap<number, string>, types: ReadonlyMap<number, AttrType>): SetAttrNamesResult {
    const next: AttrTable = { names: [...this.table.names], types: [...this.table.types] };
    for (const [slot, name] of names) {
      next.names[slot] = name;
      const requested = types.get(slot);
      const current = this.table.types[slot];
      if (requested !== undefined && current !== undefined && requested !== current) {
        return { ok: false, info: `attrType of index:${slot} cannot be changed` };
      }
      next.types[slot] = current ?? requested ?? 0;
    }
    const where = new Map<string, number>();
    for (let i = 0; i < ATTR_SLOTS; i++) {
      const n = next.names[i];
      if (n === undefined) continue;
      const prev = where.get(n);
      if (prev !== undefined) {
        // Report the slot that already held the name, as in the documented sample.
        const existing = this.table.names[prev] === n ? prev : i;
        return { ok: false, info: `attrName:${n} already exists at index:${existing}` };
      }
      where.set(n, i);
    }
    this.table = next;
    this.reindex();
    return { ok: true };
  }

  hasUser(id: string): boolean {
    return this.seedUsers.has(id);
  }

  /** Internal read without copying; callers must not mutate the result. */
  peekUser(id: string): Readonly<Attrs> | undefined {
    return this.changed.get(id) ?? this.seedUsers.get(id);
  }

  /** A copy, so test code cannot mutate simulator state by accident. */
  getUser(id: string): Attrs | undefined {
    const a = this.peekUser(id);
    return a === undefined ? undefined : cloneAttrs(a);
  }

  /** Returns false when the user does not exist (the API reports 70107 for it). */
  removeAttrs(id: string, names: readonly string[]): boolean {
    const current = this.peekUser(id);
    if (current === undefined) return false;
    const drop = new Set(names);
    const kept = Object.entries(current).filter(([k]) => !drop.has(k));
    this.changed.set(id, Object.fromEntries(kept));
    return true;
  }

  setAttrs(id: string, values: Readonly<Attrs>): boolean {
    const current = this.peekUser(id);
    if (current === undefined) return false;
    this.changed.set(id, Object.fromEntries([...Object.entries(current), ...Object.entries(values)]));
    return true;
  }

  private reindex(): void {
    this.nameToSlot = new Map();
    this.table.names.forEach((n, i) => {
      if (n !== undefined) this.nameToSlot.set(n, i);
    });
  }
}
