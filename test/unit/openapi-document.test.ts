import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDocument } from '../../api/openapi-document';
import type { Operation } from '../../api/openapi-operation';

/** The generator's own rules: what a resource's module beside its routes gives is what the document says. */

const ctx = { categories: ['bug'] };
const op = (over: Partial<Operation>): Operation => ({
  method: 'get',
  path: '/api/v1/things',
  tag: 'Things',
  access: 'any',
  summary: 'Things',
  description: 'Things.',
  success: { status: 200, description: 'the things', schema: z.object({}) },
  errors: [],
  ...over,
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const answer = (doc: any, path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;

describe('the OpenAPI document generated from zod', () => {
  it('documents each path parameter with the schema the operation names, and refuses one it names none for', () => {
    const id = z.string().regex(/^K[0-9A-F]{12}$/);
    const doc = buildDocument([op({ path: '/api/v1/things/{id}', params: { id } })], {}, ctx);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const [param] = (doc.paths as any)['/api/v1/things/{id}'].get.parameters;
    expect(param).toEqual({
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: '^K[0-9A-F]{12}$' },
    });
    expect(() => buildDocument([op({ path: '/api/v1/things/{id}' })], {}, ctx)).toThrow(/\{id\}/);
  });

  it('refers to a named component wherever another shape holds it, and writes the rest out in place', () => {
    const thing = z.object({ id: z.string() });
    const doc = buildDocument(
      [
        op({ success: { status: 200, description: 'a list', schema: z.object({ items: z.array(thing) }) } }),
        op({ path: '/api/v1/one', success: { status: 200, description: 'one', schema: thing } }),
      ],
      { Thing: thing },
      ctx,
    );
    expect(answer(doc, '/api/v1/things').properties.items.items).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(answer(doc, '/api/v1/one')).toEqual({ $ref: '#/components/schemas/Thing' });
    expect((doc.components as { schemas: Record<string, unknown> }).schemas.Thing).toEqual({
      type: 'object',
      properties: { id: { type: 'string' } },
      required: ['id'],
    });
  });

  it('says a nullable answer as a type list, and leaves fields named like keywords alone', () => {
    const schema = z.object({
      type: z.string(),
      format: z.int(),
      at: z.string().meta({ format: 'date-time' }).nullable(),
      count: z.int().optional(),
      properties: z.unknown(),
    });
    const doc = buildDocument([op({ success: { status: 200, description: 'x', schema } })], {}, ctx);
    expect(answer(doc, '/api/v1/things')).toEqual({
      type: 'object',
      properties: {
        type: { type: 'string' },
        format: { type: 'integer' },
        at: { type: ['string', 'null'], format: 'date-time' },
        count: { type: 'integer' },
        properties: {},
      },
      required: ['type', 'format', 'at', 'properties'],
    });
  });
});
