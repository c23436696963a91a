import { z } from 'zod';
import { apiExportQuerySchema, apiSchemas, apiUsersQuerySchema } from '../schemas/api';
import { uploadTargetSchema } from '../schemas/upload';
import { REPLAY_WINDOW_S, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../webhooks/signature';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

/** What any call may answer besides its own outcomes. */
/** Query parameters from the zod schema the handler parses them with, one per property. */
function queryParameters(schema: z.ZodObject, descriptions: Record<string, string> = {}) {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, object>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: property,
  }));
}

const runIdParameter = { name: 'runId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'The same key and request get the same answer, with no second run (for 24 h); the key with another request is refused with 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const jsonBody = (id: string, required = true) => ({ required, content: { 'application/json': { schema: ref(id) } } });
/** What every POST may answer besides its own outcomes. */
const POST_PROBLEMS = {
  '400': problem('The body is not valid (code input.invalid, with `errors` per field; api.json; api.idempotencyKey).'),
  '409': problem('A request with this Idempotency-Key is still being answered (api.idempotencyInProgress), or the run is in a state that refuses this (run.*).'),
  '415': problem('A body that is not application/json (request.mediaType).'),
  '422': problem('This Idempotency-Key was used for another request (api.idempotencyMismatch).'),
  '503': problem('This console process is standing by and sends nothing (worker.standby).'),
};

const COMMON_PROBLEMS = {
  '401': problem('No token, or not a live one (code api.tokenMissing, api.tokenInvalid, api.tokenExpired).'),
  '403': problem('The token’s role cannot do this (code auth.forbidden).'),
  '429': {
    ...problem('Over this token’s own request budget (code api.rateLimited).'),
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
  },
};

function components() {
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  // Each is a component of one document, not a document of its own.
  const component = (schema: Record<string, unknown>) => Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id'));
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, component(schema)]));
}

/** The OpenAPI 3.1 document of /api/v1, built from the zod schemas the handlers answer with. */
export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'TIM Push Attribute Console API',
      version,
      description: 'Remove, check and restore Tencent Cloud IM push user attributes. Every call needs an API token (Authorization: Bearer), made by an admin on /operators.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/apps': {
        get: { operationId: 'listApps', summary: 'The apps this console sends for', responses: { '200': { description: 'The apps.', content: json('Apps') }, ...COMMON_PROBLEMS } },
      },
      '/runs/{runId}': {
        get: {
          operationId: 'getRun',
          summary: 'A run’s status and counts',
          parameters: [runIdParameter],
          responses: { '200': { description: 'The run.', content: json('RunStatus') }, '404': problem('No such run (code run.notFound).'), ...COMMON_PROBLEMS },
        },
      },
      '/runs': {
        post: {
          operationId: 'startRun',
          summary: 'Remove attributes from (or check) up to 1,000 users, answered once the run has finished',
          description: 'Operator role. More users go through an upload. A production app may ask for its name to be typed (typedAppName).',
          parameters: [idempotencyKey],
          requestBody: jsonBody('StartRun'),
          responses: { '201': { description: 'The finished run.', content: json('RunOnly') }, ...POST_PROBLEMS, ...COMMON_PROBLEMS },
        },
      },
      '/uploads': {
        post: {
          operationId: 'uploadCsv',
          summary: 'Stage a CSV file (the body, streamed) and answer with its preview; nothing is sent until start',
          description: 'Operator role. The same file rules and limits as the page (CSV_MAX_ROWS, CSV_MAX_BYTES). An Idempotency-Key is matched on the path and query only.',
          parameters: [
            ...queryParameters(uploadTargetSchema, { name: 'The file name shown in the history (upload.csv when absent).' }).map((p) => (p.name === 'name' ? { ...p, required: false } : p)),
            idempotencyKey,
          ],
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '201': { description: 'Staged: its preview.', content: json('StagedUpload') },
            '200': { description: 'Read, but no row was valid: its preview, and nothing kept (id null).', content: json('StagedUpload') },
            '413': problem('Over a limit (csv.tooLarge, csv.tooManyRows).'),
            ...POST_PROBLEMS,
            ...COMMON_PROBLEMS,
          },
        },
      },
      '/uploads/{uploadId}': {
        get: {
          operationId: 'getUpload',
          summary: 'A staged upload’s preview',
          parameters: [{ name: 'uploadId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { '200': { description: 'The preview.', content: json('StagedUpload') }, '404': problem('No such staged upload (upload.notFound).'), ...COMMON_PROBLEMS },
        },
      },
      '/uploads/{uploadId}/start': {
        post: {
          operationId: 'startUpload',
          summary: 'Start a staged upload as a removal or a dry run, in the background',
          parameters: [{ name: 'uploadId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }, idempotencyKey],
          requestBody: jsonBody('StartUpload', false),
          responses: { '201': { description: 'Started: poll GET /runs/{runId}.', content: json('Started') }, '404': problem('No such staged upload.'), ...POST_PROBLEMS, ...COMMON_PROBLEMS },
        },
      },
      '/runs/{runId}/users': {
        get: {
          operationId: 'listRunUsers',
          summary: 'A page of a run’s users, by cursor',
          parameters: [
            runIdParameter,
            ...queryParameters(apiUsersQuerySchema, { after: 'The `next` of the page before; 0 or absent for the first page.' }),
          ],
          responses: { '200': { description: 'The page.', content: json('UsersPage') }, '404': problem('No such run (run.notFound).'), ...COMMON_PROBLEMS },
        },
      },
      '/runs/{runId}/export': {
        get: {
          operationId: 'exportRun',
          summary: 'Every user of a run (or its failed users), streamed',
          parameters: [
            runIdParameter,
            ...queryParameters(apiExportQuerySchema, { result: 'failed: only the failed users.' }),
          ],
          responses: {
            '200': {
              description: 'CSV (with a UTF-8 byte order mark, as the page exports it), or one JSON object per line with the CSV’s columns as keys. The values column is for operator and admin tokens only.',
              content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
            },
            '404': problem('No such run.'),
            ...COMMON_PROBLEMS,
          },
        },
      },
      '/runs/{runId}/cancel': {
        post: {
          operationId: 'cancelRun',
          summary: 'Cancel a running run: batches in flight finish, the rest are not sent',
          parameters: [runIdParameter, idempotencyKey],
          responses: { '202': { description: 'Asked; the run ends within a batch.', content: json('RunOnly') }, '404': problem('No such run.'), ...POST_PROBLEMS, ...COMMON_PROBLEMS },
        },
      },
      '/runs/{runId}/retry': {
        post: {
          operationId: 'retryRun',
          summary: 'Retry the failed users a retry can fix, and those never sent, as a new run',
          parameters: [runIdParameter, idempotencyKey],
          requestBody: jsonBody('TypedAppName', false),
          responses: { '201': { description: 'The new run, sending in the background.', content: json('Started') }, '404': problem('No such run.'), ...POST_PROBLEMS, ...COMMON_PROBLEMS },
        },
      },
      '/runs/{runId}/restore': {
        post: {
          operationId: 'restoreRun',
          summary: 'Write back what a removal took away, where nothing was set since',
          parameters: [runIdParameter, idempotencyKey],
          responses: {
            '201': { description: 'The restore run, sending in the background.', content: json('Started') },
            '404': problem('No such run.'),
            '410': problem('The kept values were purged (restore.purged).'),
            ...POST_PROBLEMS,
            ...COMMON_PROBLEMS,
          },
        },
      },
    },
    webhooks: {
      runEnded: {
        post: {
          summary: 'A run completed, stopped or was cancelled',
          description:
            'POSTed to every webhook an admin added on /operators, retried after 1 min, 5 min, 30 min, 2 h and 6 h until a 2xx answer; a redirect is a failed delivery. ' +
            `Headers: ${TIMESTAMP_HEADER} (Unix seconds) and ${SIGNATURE_HEADER}: v1= and the hex HMAC-SHA256 of "timestamp.body" under the hook's secret (shown once when it was added). ` +
            `Refuse a delivery whose timestamp is more than ${REPLAY_WINDOW_S} s from your clock. A WeCom group robot URL gets a text message instead.`,
          requestBody: jsonBody('RunEnded'),
          responses: { '2XX': { description: 'Received; anything else is tried again.' } },
        },
      },
    },
    components: { schemas: components(), securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token: timc_…' } } },
  };
}
