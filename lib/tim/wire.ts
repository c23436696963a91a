import { z } from 'zod';
import { cutFreeText } from './sanitize';

/** The server's own words: cut as they are parsed, so nothing after (cleaning, storing, logging) reads more. */
const serverText = z.string().transform(cutFreeText);

/** The REST envelope every TIM API answers with (tim-api-facts.md §1–2). */
export const timReplySchema = z.object({
  ActionStatus: z.string(),
  ErrorCode: z.number().int(),
  ErrorInfo: serverText.optional().default(''),
  ErrorList: z
    .array(
      z.object({
        To_Account: z.string(),
        ErrorCode: z.number().int(),
        ErrorInfo: serverText.optional().default(''),
      }),
    )
    .optional()
    .default([]),
  RequestId: serverText.optional(),
  /** get_attr: each user's attributes; a user with none has `Attrs: {}`. */
  UserAttrs: z
    .array(z.object({ To_Account: z.string(), Attrs: z.record(z.string(), z.string()).optional().default({}) }))
    .optional(),
});

export type TimReplyWire = z.output<typeof timReplySchema>;

export const attrNamesReplySchema = z.object({
  AttrNames: z.record(z.string(), z.string()).optional().default({}),
});

/** Users per set/get/remove request (tim-api-facts.md §2, §7). */
export const MAX_USERS_PER_REQUEST = 100;

export const TIM_PATHS = {
  removeAttr: 'v4/timpush/remove_attr',
  getAttr: 'v4/timpush/get_attr',
  setAttr: 'v4/timpush/set_attr',
  getAttrName: 'v4/timpush/get_attr_name',
} as const;

/** Attribute name → value, as get_attr reports and set_attr writes them. */
export type Attrs = Record<string, string>;

export interface UserAttrs {
  To_Account: string;
  Attrs: string[];
}
