import 'server-only';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { z } from 'zod';
import { Secret } from '../secret';
import { APP_ID_PATTERN } from '../schemas/apps';
import { DEFAULT_TYPED_CONFIRM_ABOVE } from './typed-confirm';
import { REGIONS, resolveBaseUrl, sendsInClear, type Region } from '../tim/regions';

/** Calls per second per API for one SDKAppID, all runs together (tim-api-facts.md §3: 100/s each). */
export const DEFAULT_MAX_QPS = 100;

/** One app the console can act on, resolved: its secret key is loaded and wrapped. */
export interface AppConfig {
  /** Short, stable slug: stored with every run and used in URLs. */
  id: string;
  label: string;
  sdkAppId: number;
  region: Region;
  baseUrl: string;
  usesBaseUrlOverride: boolean;
  adminIdentifier: string;
  secretKey: Secret;
  maxQps: number;
  /**
   * The app's remove_attr, get_attr and set_attr calls share one maxQps between them instead of each
   * having its own (Tencent documents separate limits; a quota agreed otherwise may not be).
   */
  sharedBudget: boolean;
  envLabel: string | null;
  /** More users than this in one removal on a production app ask for the app's name to be typed; null: never. */
  typedConfirmAbove: number | null;
}

/** The id the single-app TIM_* variables give their app; runs from before apps existed carry it too. */
export const SINGLE_APP_ID = 'default';

const appEntrySchema = z
  .strictObject({
    id: z.string().regex(APP_ID_PATTERN, { error: 'must be a short slug: letters, digits, "-" and "_", at most 32' }),
    label: z.string().trim().min(1, { error: 'must not be empty' }).max(60, { error: 'must be at most 60 characters' }).optional(),
    sdkAppId: z.number({ error: 'must be the SDKAppID as a number' }).int().positive().max(Number.MAX_SAFE_INTEGER),
    region: z.enum(REGIONS, { error: `must be one of ${REGIONS.join(', ')}` }).optional(),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be a full http(s) URL such as http://127.0.0.1:4010' }).optional(),
    adminIdentifier: z.string().trim().min(1).max(32, { error: 'must be at most 32 bytes (an App admin account)' }).optional(),
    secretKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be the name of an environment variable' }).optional(),
    secretKeyFile: z.string().min(1, { error: 'must be a file path' }).optional(),
    maxQps: z.number().int().min(1).max(10_000, { error: 'must be between 1 and 10000 calls per second' }).optional(),
    sharedBudget: z.boolean({ error: 'must be true or false' }).optional(),
    envLabel: z.string().trim().max(40, { error: 'must be at most 40 characters' }).optional(),
    typedConfirmAbove: z
      .union([z.number().int().nonnegative(), z.literal(false)], { error: 'must be a number of users (0 or more) or false to turn it off' })
      .optional(),
  })
  .refine((e) => (e.secretKeyEnv === undefined) !== (e.secretKeyFile === undefined), {
    error: 'needs exactly one of secretKeyEnv (an environment variable holding the key) and secretKeyFile (a file holding it)',
    path: ['secretKeyEnv'],
  });

export type AppEntry = z.output<typeof appEntrySchema>;

export const appsFileSchema = z.array(appEntrySchema).min(1, { error: 'must list at least one app' });

/** Said of TIM_BASE_URL and of an app's baseUrl alike. */
export const INSECURE_BASE_URL =
  'is plain http:// to a host other than this machine (127.0.0.0/8, ::1, localhost): every request carries a UserSig, which lets whoever reads it call the REST API as the app admin. ' +
  'Use https://, or set ALLOW_INSECURE_TIM_BASE_URL=1 if the network between them is trusted';

/** A key file's text, or why it is not taken as one (never its content). */
export type KeyFileRead = { ok: true; text: string } | { ok: false; problem: string };

export interface SecretSources {
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
  readKeyFile: (path: string) => KeyFileRead;
}

export class AppsFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'AppsFileError';
  }
}

/**
 * Reads TIM_APPS_FILE. The file names each key by reference only: an entry holding a key itself
 * (any field but the known ones) is refused, so the file can be reviewed and versioned safely.
 * Every problem names the entry and the field; no message quotes a value.
 */
export function parseAppsFile(text: string, sources: SecretSources, opts: { allowInsecureBaseUrl: boolean }): AppConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppsFileError(['is not valid JSON (expected an array of apps)']);
  }
  const parsed = appsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppsFileError(
      parsed.error.issues.map((issue) => {
        const [index, field, ...rest] = issue.path;
        if (index === undefined) return issue.message;
        const entry = `entry ${Number(index) + 1}${idOf(json, Number(index))}`;
        if (issue.code === 'unrecognized_keys') return `${entry} has unknown field(s) ${issue.keys.join(', ')}: a key belongs in secretKeyEnv or secretKeyFile, never in the file`;
        return `${entry} field ${[field, ...rest].map(String).join('.')} ${issue.message}`;
      }),
    );
  }
  const problems: string[] = [];
  const seenIds = new Set<string>();
  const seenAppIds = new Set<number>();
  const apps: AppConfig[] = [];
  parsed.data.forEach((e, i) => {
    const entry = `entry ${i + 1} ("${e.id}")`;
    if (seenIds.has(e.id)) problems.push(`${entry} field id repeats an earlier entry's id`);
    if (seenAppIds.has(e.sdkAppId)) problems.push(`${entry} field sdkAppId repeats an earlier entry's SDKAppID: one app, one rate budget`);
    seenIds.add(e.id);
    seenAppIds.add(e.sdkAppId);
    if (e.baseUrl !== undefined && !opts.allowInsecureBaseUrl && sendsInClear(e.baseUrl)) problems.push(`${entry} field baseUrl ${INSECURE_BASE_URL}`);
    const key = loadKey(e, sources);
    if (typeof key === 'string') {
      problems.push(`${entry} field ${e.secretKeyEnv !== undefined ? 'secretKeyEnv' : 'secretKeyFile'} ${key}`);
      return;
    }
    const region = e.region ?? 'china';
    apps.push({
      id: e.id,
      label: e.label ?? e.id,
      sdkAppId: e.sdkAppId,
      region,
      baseUrl: resolveBaseUrl(region, e.baseUrl),
      usesBaseUrlOverride: e.baseUrl !== undefined,
      adminIdentifier: e.adminIdentifier ?? 'administrator',
      secretKey: key,
      maxQps: e.maxQps ?? DEFAULT_MAX_QPS,
      sharedBudget: e.sharedBudget ?? false,
      envLabel: e.envLabel || null,
      typedConfirmAbove: e.typedConfirmAbove === false ? null : (e.typedConfirmAbove ?? DEFAULT_TYPED_CONFIRM_ABOVE),
    });
  });
  if (problems.length > 0) throw new AppsFileError(problems);
  return apps;
}

function idOf(json: unknown, index: number): string {
  const entry = Array.isArray(json) ? (json[index] as unknown) : undefined;
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === 'string' && APP_ID_PATTERN.test(id) ? ` ("${id}")` : '';
}

/** The key, or why it could not be had (never the key's text). */
function loadKey(e: AppEntry, sources: SecretSources): Secret | string {
  if (e.secretKeyEnv !== undefined) {
    // Spaces or a newline around the key are an editor's or a shell's, not the key's: signed with them, every call fails with 70009.
    const value = sources.env[e.secretKeyEnv]?.trim();
    return value ? new Secret(value) : `names the environment variable ${e.secretKeyEnv}, which is not set or empty`;
  }
  const read = sources.readKeyFile(e.secretKeyFile!);
  if (!read.ok) return `names the file ${e.secretKeyFile}, which ${read.problem}`;
  const key = read.text.trim();
  return key ? new Secret(key) : `names the file ${e.secretKeyFile}, which is empty`;
}

/** A TIM secret key is 64 hex characters; a file much larger than that holds something else. */
export const KEY_FILE_MAX_BYTES = 4096;

/**
 * Files there report as regular files but are the kernel's views of processes and devices:
 * /proc/self/environ would hand every environment variable over as the "key".
 */
const KERNEL_TREES = ['/proc', '/sys'];

/** Only a regular file of at most KEY_FILE_MAX_BYTES, outside /proc and /sys, symbolic links followed. */
export function readKeyFile(path: string): KeyFileRead {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { ok: false, problem: 'cannot be read' };
  }
  if (KERNEL_TREES.some((tree) => real === tree || real.startsWith(`${tree}/`))) return { ok: false, problem: 'is under /proc or /sys, not a file holding a key' };
  let fd: number;
  try {
    // Non-blocking, or opening a FIFO would wait for a writer and start-up would hang.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return { ok: false, problem: 'cannot be read' };
  }
  try {
    // The opened file itself is checked, so nothing can be swapped in between the check and the read.
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, problem: 'is not a regular file (a directory, FIFO, socket or device cannot hold the key)' };
    const tooLarge = { ok: false, problem: `is larger than ${KEY_FILE_MAX_BYTES} bytes, too large for a key` } as const;
    if (stat.size > KEY_FILE_MAX_BYTES) return tooLarge;
    const buffer = Buffer.alloc(KEY_FILE_MAX_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return length > KEY_FILE_MAX_BYTES ? tooLarge : { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch {
    return { ok: false, problem: 'cannot be read' };
  } finally {
    closeSync(fd);
  }
}

export const fileSecretSources = (env: Record<string, string | undefined>): SecretSources => ({
  env,
  readFile: (path) => readFileSync(path, 'utf8'),
  readKeyFile,
});
