import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { ACTION_FIELDS } from '../../domain/thread';
import { OPERATIONS, type Operation } from '../../api/openapi';
import { EXAMPLE_ACTION, GETTING_STARTED } from '../../api/routes/docs';
import { actionParam } from '../../api/schemas';

/**
 * Every request the documentation shows (OpenAPI examples, /docs curl commands, the getting-started steps) is
 * one the API accepts as written: nothing in it is refused, and nothing is silently dropped.
 */

const problems = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.success ? [] : result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

/** What the route does beyond the zod schema: the domain's own parsers, and the fields an action reads. */
function beyondSchema(op: Operation, body: unknown, action = EXAMPLE_ACTION): string[] {
  try {
    if (op.method === 'put' && op.path.endsWith('/policies/default')) parsePolicyOverrides(body);
    if (op.method === 'put' && op.path.endsWith('/calendars/default')) parseCalendar(body);
    // Named ones: POST takes {id, …}, PUT the body alone (api/routes/sla-named.ts).
    const { id: _id, ...named } = body as Record<string, unknown>;
    if (op.method === 'post' && op.path.endsWith('/sla/policies')) parsePolicyOverrides(named);
    if (op.method === 'post' && op.path.endsWith('/sla/calendars')) parseCalendar(named);
    if (op.method === 'put' && op.path.endsWith('/policies/{policyId}')) parsePolicyOverrides(body);
    if (op.method === 'put' && op.path.endsWith('/calendars/{calendarId}')) parseCalendar(body);
  } catch (err) {
    return [String(err)];
  }
  if (op.path.endsWith('/actions/{action}')) {
    const parsed = actionParam.shape.action.parse(action);
    return Object.keys(body as object)
      .filter((f) => !(ACTION_FIELDS[parsed] as readonly string[]).includes(f))
      .map((f) => `${action} does not take ${f}`);
  }
  return [];
}

describe('documented examples', () => {
  const withBody = OPERATIONS.filter((op) => op.body);

  it.each(withBody.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: the body example matches its schema',
    (_name, op) => {
      // /docs sends `{}` when an operation has no example; that must be accepted too.
      const body = op.example?.body ?? {};
      expect(problems(op.body!.safeParse(body))).toEqual([]);
      expect(beyondSchema(op, body)).toEqual([]);
    },
  );

  it.each(
    OPERATIONS.filter((op) => op.example?.query).map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const),
  )('%s: the query example matches its schema', (_name, op) => {
    expect(op.query, 'an operation with a query example declares its query schema').toBeDefined();
    const query = Object.fromEntries(new URLSearchParams(op.example!.query));
    expect(problems(op.query!.safeParse(query))).toEqual([]);
  });

  it('has no example on an operation that takes no body or query', () => {
    for (const op of OPERATIONS) {
      if (op.example?.body !== undefined) expect(op.body, `${op.method} ${op.path}`).toBeDefined();
      if (op.example?.query !== undefined) expect(op.query, `${op.method} ${op.path}`).toBeDefined();
    }
  });

  it.each(GETTING_STARTED.filter((s) => s.body).map((s) => [s.title, s] as const))(
    'getting started, "%s": the body matches its schema',
    (_name, step) => {
      const pattern = (p: string) => new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`);
      const op = OPERATIONS.find((o) => o.method === step.method.toLowerCase() && pattern(o.path).test(step.path));
      expect(op?.body, `${step.method} ${step.path} is a documented operation with a body`).toBeDefined();
      expect(problems(op!.body!.safeParse(step.body))).toEqual([]);
      expect(beyondSchema(op!, step.body, step.path.split('/').pop())).toEqual([]);
    },
  );

  it('refuses what the old resolve example sent: a resolve takes its note as body, not reason', () => {
    const op = OPERATIONS.find((o) => o.path.endsWith('/actions/{action}'))!;
    expect(beyondSchema(op, { reason: 'Fixed in release 2.4' }, 'resolve')).toEqual(['resolve does not take reason']);
  });
});
