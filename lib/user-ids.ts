/** A UserID is at most 32 bytes and a RegistrationID 36 characters (tim-api-facts.md §6); 64 leaves room for both. */
export const MAX_USER_ID_BYTES = 64;

/** Why a user ID cannot be sent; the words are in messages/<lang>/userIds.json, keyed by the part after `userIds.`. */
export const USER_ID_PROBLEM_CODES = [
  'userIds.empty',
  'userIds.controlChars',
  'userIds.invalidUtf8',
  'userIds.c1Control',
  'userIds.bidiControl',
  'userIds.zeroWidth',
  'userIds.tooLong',
] as const;

export type UserIdProblemCode = (typeof USER_ID_PROBLEM_CODES)[number];

/** The codes about one offending character, which carry its `char` (as `U+202E`) and its 1-based code-point position `at`. */
export type UserIdCharProblemCode = 'userIds.invalidUtf8' | 'userIds.c1Control' | 'userIds.bidiControl' | 'userIds.zeroWidth';

/**
 * What is wrong with one ID: a code; for `userIds.tooLong` its `bytes` and the `max`; for the
 * character codes (UserIdCharProblemCode) the first offending `char` and where it is (`at`).
 */
export interface UserIdCheck {
  code: UserIdProblemCode;
  params?: { bytes: number; max: number } | { char: string; at: number };
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

/** `U+202E` for a code point: how a character that cannot be seen is named in the words. */
export function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * SPEC "CSV format": characters refused inside an ID besides C0 and DEL. With the `u` flag the
 * surrogate range matches only unpaired halves, which UTF-8 cannot encode (TextEncoder would send
 * U+FFFD in their place). U+FFFD itself is what a decoder leaves for bytes that are not UTF-8.
 */
const INVISIBLE_CHARS = '\\u0080-\\u009f\\u200b-\\u200d\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff\\ud800-\\udfff';
const REFUSED_CHAR = new RegExp(`[${INVISIBLE_CHARS}\\ufffd]`, 'u');
/** The same characters except U+FFFD, which can be seen: shown as `<U+202E>` wherever an ID is shown. */
const INVISIBLE = new RegExp(`[${INVISIBLE_CHARS}]`, 'gu');

/** An ID as the words show it: cut short (shortId), and the refused invisible characters written as `<U+202E>`, so none reorders or hides the text around it. */
export function displayId(id: string): string {
  return shortId(id).replace(INVISIBLE, (ch) => `<${codePointName(ch.codePointAt(0)!)}>`);
}

/**
 * Whitespace around an ID, dropped: JavaScript's whitespace without U+FEFF, which is refused
 * (String.prototype.trim and `\s` would silently remove it, or split an ID in two on it).
 */
const ID_SPACE = '[^\\S\\uFEFF]';
const EDGE_SPACE = new RegExp(`^${ID_SPACE}+|${ID_SPACE}+$`, 'g');

/** trim() that keeps U+FEFF, so an ID holding one is refused rather than changed. */
export function trimId(s: string): string {
  return s.includes('\uFEFF') ? s.replace(EDGE_SPACE, '') : s.trim();
}

function charKind(cp: number): UserIdCharProblemCode {
  if (cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff)) return 'userIds.invalidUtf8';
  if (cp <= 0x9f) return 'userIds.c1Control';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'userIds.bidiControl';
  return 'userIds.zeroWidth';
}

// Tab, LF and CR are separators; every other C0 control and DEL is refused inside an ID.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/** UTF-8 bytes of an ID already cleared of unpaired surrogates, without encoding it. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Why a single user ID cannot be sent, or null when it can. An ID is refused, never changed: the
 * first refused character names the code, and its position is counted in code points from 1.
 */
export function userIdProblem(id: string): UserIdCheck | null {
  if (trimId(id) === '') return { code: 'userIds.empty' };
  // Most IDs are short printable ASCII: nothing in them can be refused, and ten million are checked per file.
  if (id.length <= MAX_USER_ID_BYTES && PRINTABLE_ASCII.test(id)) return null;
  if (CONTROL.test(id)) return { code: 'userIds.controlChars' };
  const refused = REFUSED_CHAR.exec(id);
  if (refused) {
    const cp = refused[0].codePointAt(0)!;
    return { code: charKind(cp), params: { char: codePointName(cp), at: [...id.slice(0, refused.index)].length + 1 } };
  }
  const bytes = utf8Length(id);
  if (bytes > MAX_USER_ID_BYTES) return { code: 'userIds.tooLong', params: { bytes, max: MAX_USER_ID_BYTES } };
  return null;
}

export interface ParsedUserIds {
  ids: string[];
  duplicates: string[];
  problems: UserIdProblem[];
}

/** Between pasted IDs: any whitespace but U+FEFF (refused inside an ID instead), commas and semicolons. */
const LIST_SEPARATORS = new RegExp(`(?:${ID_SPACE}|[,;])+`);

/** Splits a pasted list: one per line, or separated by commas, spaces or semicolons. */
export function parseUserIdList(text: string): ParsedUserIds {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const problems: UserIdProblem[] = [];
  const ids: string[] = [];
  text
    .split(LIST_SEPARATORS)
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
