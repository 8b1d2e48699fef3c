import type { Request, RequestHandler, Response, Router } from 'express';
import { AppError } from '../../domain/errors';
import type { Principal } from '../../desk/principal';
import type { Simulations, SimulationResult } from '../../desk/sla-simulation';
import type { SlaRegistry } from '../../desk/sla-registry';
import { CSRF_FIELD } from '../http/csrf';
import { html, type SafeHtml } from '../http/html';

/**
 * What-if before saving (admins): a draft policy and calendar (JSON, the stored one's by default) replayed over the
 * tickets of a period (POST /api/v1/sla/simulations's answer, as tables), then saved as a new version if wanted.
 * Plain forms: no JavaScript needed.
 */

export interface SimulationPageHelpers {
  simulations: Simulations;
  registry: SlaRegistry;
  now: () => Date;
  who: (res: Response) => Principal;
  csrf: (req: Request, res: Response) => string;
  csrfOk: (req: Request, res: Response) => boolean;
  render: (req: Request, res: Response, status: number, title: string, body: SafeHtml) => void;
  urlencoded: RequestHandler;
}

interface Draft {
  name: string;
  from: string;
  to: string;
  organization: string;
  policy: string;
  calendar: string;
}

const DAY = 86_400_000;
const NAME = /^[a-z][a-z0-9-]{1,39}$/;
const field = (body: unknown, name: string, max: number) => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.length <= max ? v.trim() : '';
};
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

export function registerSimulationPages(router: Router, h: SimulationPageHelpers): void {
  const admin = (res: Response) => h.who(res).role === 'admin';
  async function draftOf(name: string): Promise<Draft> {
    const [policy, calendar] = await Promise.all([
      h.registry.latest('policy', name),
      h.registry.latest('calendar', name),
    ]);
    const now = h.now();
    return {
      name,
      from: new Date(now.getTime() - 30 * DAY).toISOString().slice(0, 10),
      to: new Date(now.getTime() + DAY).toISOString().slice(0, 10),
      organization: '',
      policy: policy ? JSON.stringify(withoutVersion(policy.body), null, 2) : '',
      calendar: calendar ? JSON.stringify(calendar.body, null, 2) : '',
    };
  }
  const show = (
    req: Request,
    res: Response,
    status: number,
    d: Draft,
    s: { result?: SimulationResult; error?: string; notice?: string } = {},
  ) => h.render(req, res, status, 'What-if', body(d, h.csrf(req, res), s));

  router.get('/simulate', async (req, res) => {
    if (!admin(res))
      return show(req, res, 403, await draftOf('default'), { error: 'Only admins try out SLA changes.' });
    const name = typeof req.query.name === 'string' && NAME.test(req.query.name) ? req.query.name : 'default';
    show(req, res, 200, await draftOf(name));
  });

  router.post('/simulate', h.urlencoded, async (req, res) => {
    const d: Draft = {
      name: NAME.test(field(req.body, 'name', 40)) ? field(req.body, 'name', 40) : 'default',
      from: field(req.body, 'from', 40),
      to: field(req.body, 'to', 40),
      organization: field(req.body, 'organization', 64),
      policy: field(req.body, 'policy', 60_000),
      calendar: field(req.body, 'calendar', 60_000),
    };
    if (!h.csrfOk(req, res))
      return show(req, res, 403, d, { error: 'This page had expired; nothing was run or saved. Try again.' });
    if (!admin(res)) return show(req, res, 403, d, { error: 'Only admins try out SLA changes.' });
    try {
      const policy = parseJson(d.policy, 'policy');
      const calendar = parseJson(d.calendar, 'calendar');
      if (field(req.body, 'save', 10) === 'policy' || field(req.body, 'save', 10) === 'calendar') {
        const kind = field(req.body, 'save', 10) as 'policy' | 'calendar';
        const saved =
          kind === 'policy'
            ? await h.registry.putPolicy(policy, h.who(res).id, d.name)
            : await h.registry.putCalendar(calendar, h.who(res).id, d.name);
        return show(req, res, 200, d, {
          notice: `Saved as ${kind} ${d.name} version ${saved.version}. Open tickets keep their terms until re-timed.`,
        });
      }
      const from = dateOf(d.from, 'from');
      const to = dateOf(d.to, 'to');
      const { result } = await h.simulations.run({
        from,
        to,
        ...(d.organization ? { organizationId: d.organization } : {}),
        ...(policy ? { policy } : {}),
        ...(calendar ? { calendar } : {}),
      });
      show(req, res, 200, d, { result });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input')
        return show(req, res, 400, d, { error: `${err.field ? `${err.field}: ` : ''}${err.message}` });
      if (err instanceof Error && err.name === 'PolicyError') return show(req, res, 400, d, { error: err.message });
      throw err;
    }
  });
}

const withoutVersion = (body: unknown) => {
  const { version: _v, id: _id, ...rest } = body as Record<string, unknown>;
  return rest;
};

function parseJson(text: string, name: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AppError('invalid_input', 'must be a JSON object', name);
}

function dateOf(raw: string, name: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T00:00:00Z`) : new Date(raw);
  if (!raw || Number.isNaN(d.getTime())) throw new AppError('invalid_input', 'must be a date such as 2026-11-01', name);
  return d;
}

function body(d: Draft, csrf: string, s: { result?: SimulationResult; error?: string; notice?: string }): SafeHtml {
  return html`<h1>What-if: try a policy or calendar on past tickets</h1>
    ${s.error ? html`<p class="banner" role="alert" id="error">${s.error}</p>` : ''}
    ${s.notice ? html`<p class="banner ok" role="status" id="notice">${s.notice}</p>` : ''}
    <form method="post" action="/console/simulate" class="simulate">
      <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
      <div class="filters">
        <div><label for="name">Policy and calendar name</label><input type="text" id="name" name="name" value="${d.name}" size="14" /></div>
        <div><label for="from">Tickets received from (UTC date)</label><input type="text" id="from" name="from" value="${d.from}" size="11" /></div>
        <div><label for="to">to (excluded)</label><input type="text" id="to" name="to" value="${d.to}" size="11" /></div>
        <div><label for="organization">Organization id (empty: all; none: without one)</label><input type="text" id="organization" name="organization" value="${d.organization}" size="14" /></div>
      </div>
      <p><label for="policy">Draft policy (JSON; empty: each ticket's own)</label><textarea id="policy" name="policy" rows="14">${d.policy}</textarea></p>
      <p><label for="calendar">Draft calendar (JSON; empty: each ticket's own)</label><textarea id="calendar" name="calendar" rows="8">${d.calendar}</textarea></p>
      <p>
        <button type="submit" name="save" value="" id="run">Show what would change</button>
        <button type="submit" name="save" value="policy" class="secondary" id="save-policy">Save the policy</button>
        <button type="submit" name="save" value="calendar" class="secondary" id="save-calendar">Save the calendar</button>
      </p>
    </form>
    ${s.result ? resultTables(s.result) : ''}`;
}

function resultTables(r: SimulationResult): SafeHtml {
  return html`<h2 id="summary" data-tickets="${r.tickets}" data-changed="${r.changed.length}">
      ${r.tickets} ${r.tickets === 1 ? 'ticket' : 'tickets'} replayed; ${r.changed.length} would change
    </h2>
    <div class="table-scroll"><table id="attainment" class="cards">
      <thead><tr><th scope="col">Organization</th><th scope="col">Priority</th><th scope="col">Clock</th><th scope="col" class="num">Now met / breached</th><th scope="col" class="num">Now</th><th scope="col" class="num">Proposed met / breached</th><th scope="col" class="num">Proposed</th></tr></thead>
      <tbody>
        ${r.attainment.map(
          (
            l,
          ) => html`<tr data-clock="${l.clock}" data-priority="${l.priority}" data-current="${l.current.attainment ?? ''}" data-proposed="${l.proposed.attainment ?? ''}">
            <td data-label="Organization">${l.organization ?? 'none'}</td><td data-label="Priority">${l.priority}</td><td data-label="Clock">${l.clock.replace('_', ' ')}</td>
            <td data-label="Now met / breached" class="num">${l.current.met} / ${l.current.breached}</td><td data-label="Now" class="num">${pct(l.current.attainment)}</td>
            <td data-label="Proposed met / breached" class="num">${l.proposed.met} / ${l.proposed.breached}</td><td data-label="Proposed" class="num">${pct(l.proposed.attainment)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    <h2>Tickets whose outcome would change</h2>
    ${r.changed.length ? '' : html`<p>None.</p>`}
    ${r.changed.map(
      (t) => html`<section class="changed" data-ticket="${t.id}">
      <h3><a href="/console/tickets/${t.id}">${t.id}</a> (${t.priority}${t.organization ? `, ${t.organization}` : ''})</h3>
      ${t.clocks.map(
        (
          c,
        ) => html`<p>${c.clock.replace('_', ' ')}${c.cycle > 1 ? ` #${c.cycle}` : ''}: <strong>${c.current.outcome}</strong> now, <strong>${c.proposed.outcome}</strong> proposed.</p>
        <div class="grid"><div class="card"><h4>Now</h4><pre class="explain">${c.current.explanation.join('\n')}</pre></div>
        <div class="card"><h4>Proposed</h4><pre class="explain">${c.proposed.explanation.join('\n')}</pre></div></div>`,
      )}
    </section>`,
    )}
    <h2>Open tickets if re-timed to the draft now</h2>
    ${
      r.open.length
        ? html`<div class="table-scroll"><table id="open" class="cards"><thead><tr><th scope="col">Ticket</th><th scope="col">Clock</th><th scope="col">Due now</th><th scope="col">Due if re-timed</th></tr></thead><tbody>
      ${r.open.flatMap((t) => t.clocks.map((c) => html`<tr data-ticket="${t.id}" data-clock="${c.clock}"><td data-label="Ticket"><a href="/console/tickets/${t.id}">${t.id}</a></td><td data-label="Clock">${c.clock.replace('_', ' ')}</td><td data-label="Due now">${c.dueAtText ?? 'paused'}</td><td data-label="Due if re-timed">${c.proposedDueAtText ?? 'paused'}</td></tr>`))}
    </tbody></table></div>`
        : html`<p>No open tickets in the period.</p>`
    }`;
}
