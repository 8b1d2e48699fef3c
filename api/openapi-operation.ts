import { z } from 'zod';

/**
 * The shape of one documented operation, and the pieces the per-resource docs beside the routes share
 * (api/routes/*.openapi.ts). Every schema is zod: request schemas are the ones the routes validate with,
 * response shapes are written in zod too, and api/openapi-document.ts turns them all into JSON Schema.
 */

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface Operation {
  method: HttpMethod;
  /** OpenAPI form: `/api/v1/tickets/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description: string;
  /** Who may call it; `public` needs no key. */
  access: 'public' | 'any' | 'agent' | 'admin';
  body?: z.ZodType;
  /** The body as documented when it depends on the SLA in force (the categories); validated as `body`. */
  bodyInDoc?: (ctx: DocContext) => z.ZodType;
  /** A multipart/form-data body (multer reads it, under the limits this schema states). */
  multipart?: { schema: z.ZodType; encoding?: JsonSchema };
  query?: z.ZodObject;
  /** Each path parameter as its route validates it (a value the schema refuses is refused with 400). */
  params?: Record<string, z.ZodType>;
  idempotencyKey?: boolean;
  /** A request body (or query string) that works, used in the docs' curl example. */
  example?: { body?: unknown; query?: string };
  /** The answer; a 204 has no body, so no schema. */
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /** Other successful answers with the same body (an idempotent replay's 200). */
  alsoSuccess?: { status: number; description: string }[];
  errors: ErrorStatus[];
  /** Why this operation answers a status beyond its general meaning (a role rule, a cross-field rule). */
  errorNotes?: Partial<Record<ErrorStatus, string>>;
}

/** What one resource's module beside its routes documents: its operations and the response shapes it names. */
export interface ResourceDocs {
  operations: Operation[];
  /** Response shapes under `#/components/schemas/<name>`; other shapes that use them refer to them by name. */
  components?: Record<string, z.ZodType>;
}

/** What the document is built from besides the code: the SLA policy in force. */
export interface DocContext {
  categories: readonly string[];
}

/** The errors every authenticated JSON endpoint can answer. */
export const API_ERRORS: ErrorStatus[] = [400, 401, 429, 503];
export const TICKET_PATH = '/api/v1/tickets/{id}';

/** An instant as the services write it (`Date#toISOString`). */
export const time = z.string().meta({ format: 'date-time' });
/** An object whose fields the document does not list. */
export const anyObject = z.looseObject({});

/** An object shape whose fields are all required but those not in `required`. */
export function objectRequiring<T extends z.ZodRawShape>(shape: T, required: readonly (keyof T)[]): z.ZodObject {
  return z.object(
    Object.fromEntries(
      Object.entries(shape).map(([k, s]) => [k, required.includes(k) ? s : (s as z.ZodType).optional()]),
    ),
  );
}
