import en from '../../messages/en';
import zh from '../../messages/zh';
import type { Locale } from './locales';
import type { Messages } from './translate';

/** The English catalogue: the words of scripts and start-up errors, next to logs that stay English. */
export const ENGLISH: Messages = en;

const CATALOGUES: Readonly<Record<Locale, Messages>> = { en, zh };

export function messagesFor(locale: Locale): Messages {
  return CATALOGUES[locale];
}
