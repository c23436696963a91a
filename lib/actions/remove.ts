'use server';

import { action } from '@/lib/entry/action';
import { removeFormSchema } from '@/lib/schemas/remove-form';
import { checkNow, removeNow } from '@/lib/use-cases/remove-now';

export const removeAttributesAction = action('operator', removeFormSchema, removeNow);

export const checkValuesAction = action('operator', removeFormSchema, checkNow);
