'use server';

import { action } from '@/lib/entry/action';
import { runRefSchema, startBulkSchema } from '@/lib/schemas/bulk';
import { cancelRun } from '@/lib/use-cases/cancel-run';
import { startCsvRun } from '@/lib/use-cases/start-csv-run';

export const startBulkRunAction = action('operator', startBulkSchema, startCsvRun);

export const cancelRunAction = action('operator', runRefSchema, cancelRun);
