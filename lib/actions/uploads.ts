'use server';

import { action } from '@/lib/entry/action';
import { runRefSchema } from '@/lib/schemas/bulk';
import { startUploadSchema, uploadRefSchema } from '@/lib/schemas/upload';
import { cancelRun } from '@/lib/use-cases/cancel-run';
import { discardUpload } from '@/lib/use-cases/discard-upload';
import { startStagedRun } from '@/lib/use-cases/start-staged-run';

export const startUploadAction = action('operator', startUploadSchema, startStagedRun);

export const discardUploadAction = action('operator', uploadRefSchema, discardUpload);

export const cancelRunAction = action('operator', runRefSchema, cancelRun);
