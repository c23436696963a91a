import { z } from 'zod';
import { LOCALES } from '../messages/locales';

export const chooseLanguageSchema = z.object({ locale: z.enum(LOCALES) });
export type ChooseLanguageInput = z.output<typeof chooseLanguageSchema>;
