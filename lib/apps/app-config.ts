import 'server-only';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Secret } from '../secret';
import { APP_ID_PATTERN } from '../schemas/apps';
import { REGIONS, resolveBaseUrl, type Region } from '../tim/regions';

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
  })
  .refine((e) => (e.secretKeyEnv === undefined) !== (e.secretKeyFile === undefined), {
    error: 'needs exactly one of secretKeyEnv (an environment variable holding the key) and secretKeyFile (a file holding it)',
    path: ['secretKeyEnv'],
  });

export type AppEntry = z.output<typeof appEntrySchema>;

export const appsFileSchema = z.array(appEntrySchema).min(1, { error: 'must list at least one app' });

export interface SecretSources {
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
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
export function parseAppsFile(text: string, sources: SecretSources): AppConfig[] {
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
    const value = sources.env[e.secretKeyEnv];
    return value ? new Secret(value) : `names the environment variable ${e.secretKeyEnv}, which is not set or empty`;
  }
  let text: string;
  try {
    text = sources.readFile(e.secretKeyFile!);
  } catch {
    return `names the file ${e.secretKeyFile}, which cannot be read`;
  }
  // A trailing newline is an editor's, not the key's.
  const key = text.replace(/\r?\n$/, '');
  return key ? new Secret(key) : `names the file ${e.secretKeyFile}, which is empty`;
}

export const fileSecretSources = (env: Record<string, string | undefined>): SecretSources => ({
  env,
  readFile: (path) => readFileSync(path, 'utf8'),
});
