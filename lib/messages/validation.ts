import type en from '../../messages/en';
import { translator } from './translate';

export type ValidationKey = keyof (typeof en)['validation'];

/**
 * A zod message from the catalogue. zod calls it when the issue is raised, so the words are
 * looked up then, not when the schema module loads.
 */
export const says =
  (key: ValidationKey, params?: Record<string, number>) =>
  (): string =>
    translator('validation')(key, params as never);
