import { z } from 'zod';
import { apiSchemas } from '../schemas/api';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

/** What any call may answer besides its own outcomes. */
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
          parameters: [{ name: 'runId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { '200': { description: 'The run.', content: json('RunStatus') }, '404': problem('No such run (code run.notFound).'), ...COMMON_PROBLEMS },
        },
      },
    },
    components: { schemas: components(), securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token: timc_…' } } },
  };
}
