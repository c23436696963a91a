/** A UserID is at most 32 bytes and a RegistrationID 36 characters (tim-api-facts.md §6); 64 leaves room for both. */
export const MAX_USER_ID_BYTES = 64;

export interface UserIdProblem {
  /** 1-based position of the entry in what was pasted (or the CSV line, for uploads). */
  position: number;
  id: string;
  reason: string;
}

// Tab, LF and CR are separators; every other C0 control and DEL is refused inside an ID.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Why a single user ID cannot be sent, or null when it can. */
export function userIdProblem(id: string): string | null {
  if (id.trim() === '') return 'is empty';
  if (CONTROL.test(id)) return 'contains control characters';
  const bytes = new TextEncoder().encode(id).length;
  if (bytes > MAX_USER_ID_BYTES) return `is ${bytes} bytes long; a user ID can be at most ${MAX_USER_ID_BYTES} bytes`;
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
      if (problem) problems.push({ position: i + 1, id, reason: problem });
      else if (seen.has(id)) duplicates.add(id);
      else {
        seen.add(id);
        ids.push(id);
      }
    });
  return { ids, duplicates: [...duplicates], problems };
}
