import type { z } from 'zod';

// The shape of one documented operation, apart from openapi.ts so that the per-resource lists it
// assembles (openapi-more.ts, openapi-agreements.ts, openapi-reports.ts) do not import it back.

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
  /** A multipart/form-data body, described directly (no zod schema reads it). */
  multipart?: { schema: JsonSchema; encoding?: JsonSchema };
  query?: z.ZodObject;
  /** Path parameters validated otherwise than PATH_PARAMS says (another kind of `{id}`). */
  params?: Record<string, z.ZodType>;
  idempotencyKey?: boolean;
  /** A request body (or query string) that works, used in the docs' curl example. */
  example?: { body?: unknown; query?: string };
  success: { status: number; description: string; schema: JsonSchema; contentType?: string };
  /** Other successful answers with the same body (an idempotent replay's 200). */
  alsoSuccess?: { status: number; description: string }[];
  errors: ErrorStatus[];
  /** Why this operation answers a status beyond its general meaning (a role rule, a cross-field rule). */
  errorNotes?: Partial<Record<ErrorStatus, string>>;
}

/** What the document is built from besides the code: the SLA policy in force. */
export interface DocContext {
  categories: readonly string[];
}
