import { createTranslator } from 'next-intl';
import en from '../../messages/en.json';
import type { AppError } from '../use-cases/result';

export type Messages = typeof en;

/** Words for a code lib returned; the only place an error code becomes a sentence. */
export function errorMessage(error: AppError, messages: Messages = en): string {
  const t = createTranslator({ locale: 'en', messages, namespace: 'errors' });
  return t(error.code as never, (error.params ?? {}) as never);
}
