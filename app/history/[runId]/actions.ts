'use server';

import { action } from '@/lib/entry/action';
import { runRefSchema } from '@/lib/schemas/bulk';
import { retryFailed } from '@/lib/use-cases/retry-failed';

export const retryFailedAction = action('operator', runRefSchema, retryFailed);
