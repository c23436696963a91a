import { openApiDocument } from '@/lib/api/openapi';
import packageJson from '@/package.json';

/** Public: it describes the API and holds nothing about this console's data. */
export const GET = () => Response.json(openApiDocument(packageJson.version));
