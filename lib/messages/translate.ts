import { createTranslator } from 'next-intl';
import en from '../../messages/en';
import type { AppError } from '../use-cases/result';

export type Messages = typeof en;

/** A translator over one area of the catalogue; the same code gives the same words on the server and in the browser. */
export function translator<N extends keyof Messages>(namespace: N, messages: Messages = en) {
  return createTranslator({ locale: 'en', messages, namespace });
}

/** Words for a code lib returned: the one place an error code becomes a sentence. */
export function errorMessage(error: AppError, messages: Messages = en): string {
  return translator('errors', messages)(error.code as never, (error.params ?? {}) as never);
}
