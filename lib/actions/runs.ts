'use server';

import { action } from '@/lib/entry/action';
import { removeCheckedSchema, retryFailedSchema, runRefSchema } from '@/lib/schemas/bulk';
import { removeChecked } from '@/lib/use-cases/remove-from-check';
import { restoreRemoved } from '@/lib/use-cases/restore-run';
import { retryFailed } from '@/lib/use-cases/retry-failed';

export const retryFailedAction = action('operator', retryFailedSchema, retryFailed);

export const restoreAction = action('operator', runRefSchema, restoreRemoved);

export const removeCheckedAction = action('operator', removeCheckedSchema, removeChecked);
