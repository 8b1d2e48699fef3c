import { Router } from 'express';

/**
 * GET /api/v1: where a reader lands from the start banner. It lists the API's resources (every path without a
 * parameter, with its methods, who may call each and what it does) and links the full reference, so the base URL
 * answers with directions rather than 404. Built from the same operation table as /openapi.json, so it cannot drift.
 */

export const API_BASE = '/api/v1';

/** What the index reads of each operation of api/openapi.ts (its own shape, so this module imports none of it). */
interface IndexedOperation {
  method: string;
  path: string;
  tag: string;
  summary: string;
  access: string;
}

export interface ApiIndex {
  name: string;
  version: string;
  links: { openapi: string; docs: string };
  resources: { href: string; tag: string; operations: { method: string; summary: string; access: string }[] }[];
}

export function apiIndex(operations: readonly IndexedOperation[]): ApiIndex {
  const byPath = new Map<string, ApiIndex['resources'][number]>();
  for (const op of operations) {
    if (!op.path.startsWith(`${API_BASE}/`) || op.path.includes('{')) continue;
    const resource = byPath.get(op.path) ?? { href: op.path, tag: op.tag, operations: [] };
    resource.operations.push({ method: op.method.toUpperCase(), summary: op.summary, access: op.access });
    byPath.set(op.path, resource);
  }
  return {
    name: 'sla-desk API',
    version: '1',
    links: { openapi: '/openapi.json', docs: '/docs' },
    resources: [...byPath.values()].sort((a, b) => a.href.localeCompare(b.href)),
  };
}

/** Mounted at API_BASE behind the key check, like every path under it. */
export function apiIndexRoutes(operations: readonly IndexedOperation[]): Router {
  const router = Router();
  const body = apiIndex(operations);
  router.get('/', (_req, res) => {
    res.json(body);
  });
  return router;
}
