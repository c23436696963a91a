import type en from '../../messages/en';
import { activeMessages } from './active';
import { translator } from './translate';

export type ValidationKey = keyof (typeof en)['validation'];

/**
 * A zod message from the catalogue. zod calls it when the issue is raised, so the words are
 * looked up then, not when the schema module loads.
 */
export const says =
  (key: ValidationKey, params?: Record<string, number>) =>
  (): string =>
    translator('validation', activeMessages())(key, params as never);
