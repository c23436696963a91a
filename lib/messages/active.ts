import { z } from 'zod';
import { ENGLISH } from './catalogues';
import type { Messages } from './translate';

/**
 * The catalogue zod's messages are looked up in while a schema runs. zod asks for a message when it
 * raises an issue, with no way to pass the reader's language along, so the one who parses says it
 * here: the browser once for its page (one reader), the server around each synchronous parse, so
 * two requests in different languages never see each other's.
 */
let active: Messages = ENGLISH;

export function activeMessages(): Messages {
  return active;
}

/** The browser's language for every schema it runs from now on. */
export function setValidationMessages(messages: Messages): void {
  active = messages;
}

/**
 * Validates with this catalogue, field messages included: zod words an issue only when its message
 * is first read, so they are read here, before the catalogue is put back.
 */
export function parseIn<S extends z.ZodType>(
  messages: Messages,
  schema: S,
  raw: unknown,
): { success: true; data: z.output<S> } | { success: false; fieldErrors: Record<string, string[] | undefined> } {
  return withMessages(messages, () => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { success: true as const, data: parsed.data };
    return { success: false as const, fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined> };
  });
}

/** Runs a synchronous parse with this catalogue; nothing else can run in between. */
export function withMessages<T>(messages: Messages, parse: () => T): T {
  const before = active;
  active = messages;
  try {
    return parse();
  } finally {
    active = before;
  }
}
