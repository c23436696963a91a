'use server';

import { action } from '@/lib/entry/action';
import { chooseAppSchema } from '@/lib/schemas/apps';
import { chooseApp } from '@/lib/use-cases/choose-app';

export const chooseAppAction = action('viewer', chooseAppSchema, chooseApp);
