/**
 * Wraps a secret so that logging, JSON serialisation or string interpolation of a config object
 * never prints it; only code that signs calls reveal().
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}

/**
 * Bits of entropy a string shows by itself: its length times the Shannon entropy of its own
 * characters' frequencies. Repeated or patterned strings score low however long they are (32 × "a"
 * is 0, "changeme" four times 88). It cannot tell a random string from a made-up one with many
 * different characters; it catches the mistakes, not every weak choice.
 */
export function estimatedEntropyBits(value: string): number {
  const chars = [...value];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= n * Math.log2(n / chars.length);
  return bits;
}
