/**
 * Whether a value satisfies a JSON Schema (2020-12), for the keywords /openapi.json uses. A test's own reading
 * of the served document, independent of the zod schemas it was generated from; a keyword it does not know
 * throws, so a new kind of rule cannot pass unread. Patterns are ECMA-262, as JSON Schema specifies.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['description', 'default', 'example', 'examples', 'title', 'format', '$schema']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      throw new Error(`unknown type ${type}`);
  }
}

/** The failures of `v` against `schema`, each as `path: keyword`; empty when it is valid. */
export function schemaErrors(schema: Schema, v: unknown, path = '$'): string[] {
  const errors: string[] = [];
  const fail = (keyword: string) => errors.push(`${path}: ${keyword}`);
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const r = rule as never;
    switch (keyword) {
      case 'type':
        if (![rule].flat().some((t) => typeMatches(t as string, v))) fail('type');
        break;
      case 'enum':
        if (!(r as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v))) fail('enum');
        break;
      case 'const':
        if (JSON.stringify(r) !== JSON.stringify(v)) fail('const');
        break;
      case 'pattern':
        if (typeof v === 'string' && !new RegExp(r, 'u').test(v)) fail('pattern');
        break;
      case 'minLength':
        if (typeof v === 'string' && [...v].length < r) fail('minLength');
        break;
      case 'maxLength':
        if (typeof v === 'string' && [...v].length > r) fail('maxLength');
        break;
      case 'minimum':
        if (typeof v === 'number' && v < r) fail('minimum');
        break;
      case 'maximum':
        if (typeof v === 'number' && v > r) fail('maximum');
        break;
      case 'exclusiveMinimum':
        if (typeof v === 'number' && v <= r) fail('exclusiveMinimum');
        break;
      case 'exclusiveMaximum':
        if (typeof v === 'number' && v >= r) fail('exclusiveMaximum');
        break;
      case 'minItems':
        if (Array.isArray(v) && v.length < r) fail('minItems');
        break;
      case 'maxItems':
        if (Array.isArray(v) && v.length > r) fail('maxItems');
        break;
      case 'uniqueItems':
        if (r && Array.isArray(v) && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) fail('uniqueItems');
        break;
      case 'items':
        if (Array.isArray(v)) v.forEach((x, i) => errors.push(...schemaErrors(r, x, `${path}[${i}]`)));
        break;
      case 'minProperties':
        if (isObject(v) && Object.keys(v).length < r) fail('minProperties');
        break;
      case 'required':
        if (isObject(v)) for (const k of r as string[]) if (!(k in v)) fail(`required ${k}`);
        break;
      case 'properties':
        if (isObject(v))
          for (const [k, s] of Object.entries(r as Record<string, Schema>))
            if (k in v) errors.push(...schemaErrors(s, v[k], `${path}.${k}`));
        break;
      case 'additionalProperties':
        if (isObject(v)) {
          const known = Object.keys((schema.properties ?? {}) as object);
          for (const k of Object.keys(v).filter((k) => !known.includes(k))) {
            if (r === false) fail(`additionalProperties ${k}`);
            else if (isObject(r)) errors.push(...schemaErrors(r, v[k], `${path}.${k}`));
          }
        }
        break;
      case 'allOf':
        for (const s of r as Schema[]) errors.push(...schemaErrors(s, v, path));
        break;
      case 'anyOf':
        if (!(r as Schema[]).some((s) => schemaErrors(s, v, path).length === 0)) fail('anyOf');
        break;
      case 'oneOf':
        if ((r as Schema[]).filter((s) => schemaErrors(s, v, path).length === 0).length !== 1) fail('oneOf');
        break;
      case 'not':
        if (schemaErrors(r, v, path).length === 0) fail('not');
        break;
      default:
        throw new Error(`${path}: the keyword ${keyword} is not read here`);
    }
  }
  return errors;
}

export const satisfies = (schema: Schema, v: unknown) => schemaErrors(schema, v).length === 0;
