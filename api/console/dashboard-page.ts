import type { BusinessCalendar } from '../../domain/calendar';
import { html, type SafeHtml } from '../http/html';
import type { Dashboard } from './dashboard';
import { attainmentClass, barChart } from './bar-chart';
import { hours } from './time';

/** The SLA dashboard: tables carry the exact figures (and data attributes for checks), SVG bars show their shape. */

const METRIC: Record<string, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const MAX_SHIFT_ROWS = 120;

/** The dashboard's bars are wider than the review's: its figures are short ("97.5%", a count). */
const WIDE = { track: 420, figureRoom: 70 } as const;

export interface DashboardQuery {
  from: string;
  to: string;
  /** An organization's id, `none` (customers without one), or absent (everyone). */
  organization?: string;
}

export function dashboardBody(
  d: Dashboard,
  cal: BusinessCalendar,
  query: DashboardQuery,
  organizations: { id: string; name: string }[],
): SafeHtml {
  const rows = d.report.rows;
  const period = new URLSearchParams({
    from: d.from.toISOString(),
    to: d.to.toISOString(),
    ...(query.organization ? { organization: query.organization } : {}),
  });
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${(query.organization ?? '') === value ? html` selected` : ''}>${label}</option>`;
  const attainment = html`<table id="attainment" class="cards">
    <thead>
      <tr>
        <th scope="col">Priority</th>
        <th scope="col">Clock</th>
        <th scope="col" class="num">Met</th>
        <th scope="col" class="num">Missed</th>
        <th scope="col" class="num">Breaches</th>
        <th scope="col" class="num">Attainment</th>
      </tr>
    </thead>
    <tbody>
      ${
        rows.length
          ? rows.map(
              (r) =>
                html`<tr data-priority="${r.priority}" data-metric="${r.metric}" data-met="${r.met}" data-missed="${r.missed}" data-breached="${r.breached}" data-completed="${r.completed}" data-attainment="${r.attainment ?? ''}">
                  <td data-label="Priority">${r.priority}</td>
                  <td data-label="Clock">${METRIC[r.metric] ?? r.metric}</td>
                  <td data-label="Met" class="num">${r.met}</td>
                  <td data-label="Missed" class="num">${r.missed}</td>
                  <td data-label="Breaches" class="num">${r.breached}</td>
                  <td data-label="Attainment" class="num">${pct(r.attainment)}</td>
                </tr>`,
            )
          : html`<tr>
              <td colspan="6">No clock stopped or breached in this period.</td>
            </tr>`
      }
    </tbody>
  </table>`;
  const attainmentBars = rows
    .filter((r) => r.attainment !== null)
    .map((r) => ({
      label: `${r.priority} · ${METRIC[r.metric]}`,
      value: r.attainment! * 100,
      text: pct(r.attainment),
      cls: attainmentClass(r.attainment!),
    }));

  const fr = rows.filter((r) => r.metric === 'first_response');
  const firstResponse = html`<table id="first-response" class="cards">
    <thead>
      <tr>
        <th scope="col">Priority</th>
        <th scope="col" class="num">Responses</th>
        <th scope="col" class="num">Median</th>
        <th scope="col" class="num">p90</th>
      </tr>
    </thead>
    <tbody>
      ${
        fr.length
          ? fr.map(
              (r) =>
                html`<tr data-priority="${r.priority}" data-completed="${r.completed}" data-median-minutes="${r.medianBusinessMinutes ?? ''}" data-p90-minutes="${r.p90BusinessMinutes ?? ''}">
                  <td data-label="Priority">${r.priority}</td>
                  <td data-label="Responses" class="num">${r.completed}</td>
                  <td data-label="Median" class="num">${hours(r.medianBusinessMinutes)}</td>
                  <td data-label="p90" class="num">${hours(r.p90BusinessMinutes)}</td>
                </tr>`,
            )
          : html`<tr>
              <td colspan="4">No first responses in this period.</td>
            </tr>`
      }
    </tbody>
  </table>`;

  const levels = html`<table id="levels" class="cards">
    <thead>
      <tr>
        <th scope="col">Level</th>
        <th scope="col" class="num">Breaches at this level</th>
        <th scope="col" class="num">Escalations to it</th>
      </tr>
    </thead>
    <tbody>
      ${d.levels.map(
        (l) =>
          html`<tr data-level="${l.level}" data-breaches="${l.breaches}" data-escalations="${l.escalations}">
            <td data-label="Level">${l.level}</td>
            <td data-label="Breaches at this level" class="num">${l.breaches}</td>
            <td data-label="Escalations to it" class="num">${l.escalations}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  const levelBars = d.levels.flatMap((l) => [
    { label: `${l.level} · breaches`, value: l.breaches, text: String(l.breaches), cls: 'breached' },
    { label: `${l.level} · escalations`, value: l.escalations, text: String(l.escalations), cls: 'alt' },
  ]);

  const shifts = d.shifts.slice(-MAX_SHIFT_ROWS);
  const shiftBars = shifts.map((s) => ({ label: s.label, value: s.received, text: String(s.received) }));

  return html`<h1>SLA dashboard</h1>
    <form class="filters" method="get" action="/console/dashboard">
      <div>
        <label for="from">From (date or ISO instant)</label
        ><input type="text" id="from" name="from" value="${query.from}" />
      </div>
      <div><label for="to">To (a date is included)</label><input type="text" id="to" name="to" value="${query.to}" /></div>
      <div>
        <label for="organization">Organization</label
        ><select id="organization" name="organization">
          ${option('', 'All')}${option('none', 'Customers without organization')}${organizations.map((o) => option(o.id, o.name))}
        </select>
      </div>
      <button type="submit">Show</button>
    </form>
    <p id="period" data-from="${d.from.toISOString()}" data-to="${d.to.toISOString()}">
      From ${cal.formatLocal(d.from)} to ${cal.formatLocal(d.to)}:
      <strong data-received="${d.received}">${d.received}</strong> ticket(s) received. The figures are those of
      <code>GET /api/v1/reports/sla?${period.toString()}</code>.
      <a id="csv" href="/console/reports/sla.csv?${period.toString()}" download>Download the outcomes as CSV</a>
    </p>
    <h2>Attainment per priority and clock</h2>
    <p class="meta">
      Clocks that stopped in the period: met if within target; breaches are counted when they happened.
    </p>
    ${attainment}${attainmentBars.length ? barChart('attainment-chart', 'Attainment per priority and clock (percent)', attainmentBars, { ...WIDE, max: 100 }) : ''}
    <h2>First response, business hours</h2>
    ${firstResponse}
    ${
      fr.length
        ? barChart(
            'first-response-chart',
            'Median first response per priority (business hours)',
            fr.map((r) => ({
              label: r.priority,
              value: r.medianBusinessMinutes ?? 0,
              text: hours(r.medianBusinessMinutes),
            })),
            WIDE,
          )
        : ''
    }
    <h2>Breaches and escalations by level</h2>
    <p class="meta">A breach counts at the level its ticket was at when it happened.</p>
    ${levels}${barChart('levels-chart', 'Breaches and escalations by escalation level', levelBars, WIDE)}
    <h2>Tickets received per shift</h2>
    <p class="meta">
      A ticket received while support is closed counts toward the next
      shift.${d.shifts.length > MAX_SHIFT_ROWS ? ` Showing the last ${MAX_SHIFT_ROWS} shifts.` : ''}
    </p>
    ${shifts.length ? barChart('shifts-chart', 'Tickets received per shift', shiftBars, WIDE) : html`<p>No shifts in this period.</p>`}
    <table id="shifts" class="cards">
      <thead>
        <tr>
          <th scope="col">Shift opens</th>
          <th scope="col" class="num">Tickets</th>
        </tr>
      </thead>
      <tbody>
        ${shifts.map(
          (s) =>
            html`<tr data-opens-at="${s.opensAt.toISOString()}" data-received="${s.received}">
              <td data-label="Shift opens">${s.label}</td>
              <td data-label="Tickets" class="num">${s.received}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
