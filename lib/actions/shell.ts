'use server';

import { action } from '@/lib/entry/action';
import { chooseAppSchema } from '@/lib/schemas/apps';
import { chooseLanguageSchema } from '@/lib/schemas/language';
import { chooseApp } from '@/lib/use-cases/choose-app';
import { chooseLanguage } from '@/lib/use-cases/choose-language';

export const chooseAppAction = action('viewer', chooseAppSchema, chooseApp);

export const chooseLanguageAction = action('viewer', chooseLanguageSchema, chooseLanguage);
