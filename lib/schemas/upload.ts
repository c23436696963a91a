import { z } from 'zod';
import { CSV_PROBLEM_CODES } from '../csv/validate';
import { says } from '../messages/validation';
import { appIdSchema, typedAppNameSchema } from './apps';
import { bulkPickSchema } from './bulk';
import { requestKeySchema } from './request-key';

/** The longest file name kept; longer ones are cut (it is only shown back). */
const MAX_FILE_NAME = 200;

/**
 * What the upload route reads from its query string before the body: the app it is for and the
 * file's name (the body is the file itself, not a form, so it can be read as it arrives).
 */
export const uploadTargetSchema = z.object({
  appId: appIdSchema,
  name: z
    .string()
    .trim()
    .min(1, { error: says('chooseCsv') })
    .transform((n) => [...n].slice(0, MAX_FILE_NAME).join('')),
});
export type UploadTarget = z.output<typeof uploadTargetSchema>;

export const uploadIdSchema = z.coerce.number().int().positive();

export const startUploadSchema = bulkPickSchema.extend({
  uploadId: uploadIdSchema,
  requestKey: requestKeySchema.unwrap(),
  /** `check`: a dry run that reads the users' current values and changes nothing. */
  kind: z.enum(['remove', 'check']).optional(),
  typedAppName: typedAppNameSchema,
});
export type StartUploadInput = z.output<typeof startUploadSchema>;

export const uploadRefSchema = z.object({ uploadId: uploadIdSchema });
export type UploadRef = z.output<typeof uploadRefSchema>;

const csvIssueSchema = z.object({
  line: z.number().int().positive(),
  code: z.enum(CSV_PROBLEM_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/**
 * A staged upload as the browser sees it: the server's own counts, the first invalid rows, and
 * when it expires. The upload route answers with it and the page parses it with this schema.
 * A file with no valid row is read and answered the same way, but not kept: its `id` is null and
 * it expires when it is staged.
 */
export const stagedUploadSchema = z.object({
  id: z.number().int().positive().nullable(),
  appId: z.string(),
  fileName: z.string(),
  rowsRead: z.number().int().nonnegative(),
  users: z.number().int().nonnegative(),
  duplicateRows: z.number().int().nonnegative(),
  invalidRows: z.number().int().nonnegative(),
  rowsWithoutAttrs: z.number().int().nonnegative(),
  attrs: z.array(z.string()),
  /** The sets of attributes rows name, largest first; rows naming further sets are counted in otherAttrSetRows. */
  attrSets: z.array(z.object({ attrs: z.array(z.string()), rows: z.number().int().positive() })),
  otherAttrSetRows: z.number().int().nonnegative(),
  issues: z.array(csvIssueSchema),
  stagedMs: z.number().int(),
  expiresMs: z.number().int(),
});
export type StagedUpload = z.infer<typeof stagedUploadSchema>;

/**
 * The operator's newest upload for an app that is still arriving, as the page polls it once the
 * file is sent: how many of its valid rows the server has merged by user and stored, of how many
 * (null until the file has ended); `upload` null when none is arriving.
 */
export const arrivingUploadSchema = z.object({
  upload: z
    .object({
      id: z.number().int().positive(),
      finishing: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).nullable(),
    })
    .nullable(),
});
export type ArrivingUpload = z.infer<typeof arrivingUploadSchema>;
