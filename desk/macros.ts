import { randomBytes } from 'node:crypto';
import { invalidInput, notFoundError } from '../domain/errors';
import type { CalendarSpec } from '../domain/calendar';
import { createCalendar } from '../domain/calendar';
import type { TicketSnapshot } from '../domain/ticket-sla';
import type { Store } from '../store';
import type { Macro, TicketContent } from '../domain/entities';

/** The facts a canned response may name, as `{{name}}`. */
export const MACRO_PLACEHOLDERS = [
  'ticket.id',
  'ticket.subject',
  'ticket.priority',
  'ticket.status',
  'customer.name',
  'customer.email',
  'agent.name',
  'firstResponseDue',
  'resolutionDue',
] as const;

const PLACEHOLDER = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;

/** Refuses a body naming a placeholder that does not exist, so a typo is caught when saved, not when sent. */
function checkBody(body: string): void {
  for (const m of body.matchAll(PLACEHOLDER)) {
    if (!(MACRO_PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
      throw invalidInput(
        `unknown placeholder {{${m[1]}}}; use ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
        'body',
      );
    }
  }
}

export interface MacroFacts {
  ticket: TicketContent;
  sla: TicketSnapshot;
  agentName: string;
  calendar: CalendarSpec;
}

/** A canned response with the ticket's facts filled in; due times in the calendar's zone, to the minute. */
export function renderMacro(body: string, f: MacroFacts): string {
  const cal = createCalendar(f.calendar);
  const due = (metric: string) => {
    const at = f.sla.clocks.find((c) => c.metric === metric && !c.stopped)?.dueAt;
    return at ? cal.formatLocal(new Date(at)) : 'not running';
  };
  const values: Record<string, string> = {
    'ticket.id': f.ticket.id,
    'ticket.subject': f.ticket.subject,
    'ticket.priority': f.sla.priority,
    'ticket.status': f.sla.status.replace(/_/g, ' '),
    'customer.name': f.ticket.customerName ?? f.ticket.customerEmail,
    'customer.email': f.ticket.customerEmail,
    'agent.name': f.agentName,
    firstResponseDue: due('first_response'),
    resolutionDue: due('resolution'),
  };
  return body.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

export function createMacroService(deps: { store: Store; now: () => Date }) {
  const { store } = deps;
  return {
    list: () => store.macros.list(),
    async get(id: string): Promise<Macro> {
      const m = await store.macros.get(id);
      if (!m) throw notFoundError('macro');
      return m;
    },
    async create(input: { title: string; body: string }, actor: string): Promise<Macro> {
      checkBody(input.body);
      const now = deps.now();
      const macro: Macro = {
        id: `K${randomBytes(6).toString('hex').toUpperCase()}`,
        title: input.title,
        body: input.body,
        createdAt: now,
        updatedAt: now,
      };
      await store.macros.put(macro);
      await store.audit.record({
        at: now,
        actor,
        action: 'macro.create',
        target: macro.id,
        detail: { title: macro.title },
      });
      return macro;
    },
    async update(id: string, input: { title: string; body: string }, actor: string): Promise<Macro> {
      checkBody(input.body);
      const old = await store.macros.get(id);
      if (!old) throw notFoundError('macro');
      const macro: Macro = { ...old, title: input.title, body: input.body, updatedAt: deps.now() };
      await store.macros.put(macro);
      await store.audit.record({
        at: macro.updatedAt,
        actor,
        action: 'macro.update',
        target: id,
        detail: { title: macro.title },
      });
      return macro;
    },
    async remove(id: string, actor: string): Promise<void> {
      if (!(await store.macros.remove(id))) throw notFoundError('macro');
      await store.audit.record({ at: deps.now(), actor, action: 'macro.delete', target: id });
    },
  };
}

export type MacroService = ReturnType<typeof createMacroService>;
