import en from '../../messages/en';
import type { Messages } from './translate';

/** The English catalogue: the words of logs' neighbours (scripts, start-up errors) and the default. */
export const ENGLISH: Messages = en;
