/** A UserID is at most 32 bytes and a RegistrationID 36 characters (tim-api-facts.md §6); 64 leaves room for both. */
export const MAX_USER_ID_BYTES = 64;

/** Why a user ID cannot be sent; the words are in messages/<lang>/userIds.json, keyed by the part after `userIds.`. */
export const USER_ID_PROBLEM_CODES = ['userIds.empty', 'userIds.controlChars', 'userIds.tooLong'] as const;

export type UserIdProblemCode = (typeof USER_ID_PROBLEM_CODES)[number];

/** What is wrong with one ID: a code, and for `userIds.tooLong` its `bytes` and the `max`. */
export interface UserIdCheck {
  code: UserIdProblemCode;
  params?: { bytes: number; max: number };
}

export interface UserIdProblem extends UserIdCheck {
  /** 1-based position of the entry in what was pasted (or the CSV line, for uploads). */
  position: number;
  id: string;
}

/** IDs shown back to the user are cut to 40 characters (whole code points) and rendered as text, never HTML. */
export function shortId(id: string): string {
  const chars = [...id];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : id;
}

// Tab, LF and CR are separators; every other C0 control and DEL is refused inside an ID.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Why a single user ID cannot be sent, or null when it can. */
export function userIdProblem(id: string): UserIdCheck | null {
  if (id.trim() === '') return { code: 'userIds.empty' };
  if (CONTROL.test(id)) return { code: 'userIds.controlChars' };
  const bytes = new TextEncoder().encode(id).length;
  if (bytes > MAX_USER_ID_BYTES) return { code: 'userIds.tooLong', params: { bytes, max: MAX_USER_ID_BYTES } };
  return null;
}

export interface ParsedUserIds {
  ids: string[];
  duplicates: string[];
  problems: UserIdProblem[];
}

/** Splits a pasted list: one per line, or separated by commas, spaces or semicolons. */
export function parseUserIdList(text: string): ParsedUserIds {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const problems: UserIdProblem[] = [];
  const ids: string[] = [];
  text
    .split(/[\s,;]+/)
    .filter((token) => token !== '')
    .forEach((id, i) => {
      const problem = userIdProblem(id);
      if (problem) problems.push({ position: i + 1, id, ...problem });
      else if (seen.has(id)) duplicates.add(id);
      else {
        seen.add(id);
        ids.push(id);
      }
    });
  return { ids, duplicates: [...duplicates], problems };
}
