import type { Request, Response, Router } from 'express';
import type { MonthReview } from '../../desk/review';
import { MONTH, type createReview } from '../../desk/review';
import { reviewCsv } from '../../desk/review-csv';
import { html, type SafeHtml } from '../http/html';
import { attainmentClass, barChart } from './bar-chart';
import { hours } from './time';

/**
 * The SLA review: per organization and month, attainment per clock, breaches by cause, time paused by reason, and
 * first-response and resolution times (median, p90, spread). Tables carry the figures; bars show their shape.
 */

type Review = ReturnType<typeof createReview>;

export interface ReviewPageHelpers {
  review: Review;
  organizations: () => Promise<{ id: string; name: string }[]>;
  now: () => Date;
  render: (req: Request, res: Response, status: number, title: string, body: SafeHtml) => void;
}

const CLOCK: Record<string, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const monthName = (m: string) =>
  new Date(`${m}-01T12:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

function one(source: unknown, name: string, pattern: RegExp): string | undefined {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && pattern.test(v.trim()) ? v.trim() : undefined;
}
const ORGANIZATION = /^[A-Za-z0-9_-]{1,64}$/;

export function registerReviewPages(router: Router, h: ReviewPageHelpers): void {
  const query = (req: Request) => {
    const current = h.now().toISOString().slice(0, 7);
    const to = one(req.query, 'to', MONTH) ?? current;
    const from = one(req.query, 'from', MONTH) ?? to;
    const organization = one(req.query, 'organization', ORGANIZATION);
    return { from: from <= to ? from : to, to, organization };
  };

  router.get('/review', async (req, res) => {
    const q = query(req);
    const [months, organizations] = await Promise.all([
      h.review.months(q.from, q.to, q.organization),
      h.organizations(),
    ]);
    h.render(req, res, 200, 'SLA review', reviewBody(months, q, organizations));
  });

  router.get('/review.csv', async (req, res) => {
    const q = query(req);
    const months = await h.review.months(q.from, q.to, q.organization);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`sla-review-${q.from}-${q.to}${q.organization ? `-${q.organization}` : ''}.csv`)
      .send(reviewCsv(months));
  });
}

function reviewBody(
  months: MonthReview[],
  q: { from: string; to: string; organization?: string },
  organizations: { id: string; name: string }[],
): SafeHtml {
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${(q.organization ?? '') === value ? html` selected` : ''}>${label}</option>`;
  const params = new URLSearchParams({
    from: q.from,
    to: q.to,
    ...(q.organization ? { organization: q.organization } : {}),
  });
  const who = q.organization
    ? q.organization === 'none'
      ? 'customers without an organization'
      : (organizations.find((o) => o.id === q.organization)?.name ?? q.organization)
    : 'every organization';
  return html`<h1>SLA review</h1>
    <form class="filters" method="get" action="/console/review">
      <div><label for="from">From month (YYYY-MM)</label><input type="text" id="from" name="from" value="${q.from}" size="8" /></div>
      <div><label for="to">To month</label><input type="text" id="to" name="to" value="${q.to}" size="8" /></div>
      <div>
        <label for="organization">Organization</label
        ><select id="organization" name="organization">
          ${option('', 'All')}${option('none', 'Customers without organization')}${organizations.map((o) => option(o.id, o.name))}
        </select>
      </div>
      <button type="submit">Show</button>
    </form>
    <p>
      The review of ${who}, month by month, in the zone of its agreement.
      <a id="csv" href="/console/review.csv?${params.toString()}" download>Download as CSV</a>. Admins can
      <a href="/console/simulate">try a policy or calendar change on past tickets</a> before saving it.
    </p>
    ${months.map(monthSection)}`;
}

function monthSection(m: MonthReview): SafeHtml {
  const id = `m${m.month}`;
  const attainment = html`<table id="${id}-attainment" class="cards">
    <thead>
      <tr>
        <th scope="col">Clock</th>
        <th scope="col" class="num">Met</th>
        <th scope="col" class="num">Missed</th>
        <th scope="col" class="num">Breaches</th>
        <th scope="col" class="num">Attainment</th>
      </tr>
    </thead>
    <tbody>
      ${m.attainment.map(
        (a) =>
          html`<tr data-clock="${a.clock}" data-met="${a.met}" data-missed="${a.missed}" data-breached="${a.breached}" data-attainment="${a.attainment ?? ''}">
            <td data-label="Clock">${CLOCK[a.clock]}</td>
            <td data-label="Met" class="num">${a.met}</td>
            <td data-label="Missed" class="num">${a.missed}</td>
            <td data-label="Breaches" class="num">${a.breached}</td>
            <td data-label="Attainment" class="num">${pct(a.attainment)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  const attainmentBars = m.attainment
    .filter((a) => a.attainment !== null)
    .map((a) => ({
      label: CLOCK[a.clock]!,
      value: a.attainment! * 100,
      text: `${pct(a.attainment)} (${a.met} of ${a.met + a.missed})`,
      cls: attainmentClass(a.attainment!),
    }));
  const breaches = m.breaches.length
    ? html`<table id="${id}-breaches" class="cards">
          <thead>
            <tr><th scope="col">Clock</th><th scope="col">Level at the breach</th><th scope="col" class="num">Breaches</th></tr>
          </thead>
          <tbody>
            ${m.breaches.map(
              (b) =>
                html`<tr data-clock="${b.clock}" data-level="${b.level}" data-count="${b.count}">
                  <td data-label="Clock">${CLOCK[b.clock] ?? b.clock}</td>
                  <td data-label="Level">${b.level}</td>
                  <td data-label="Breaches" class="num">${b.count}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${barChart(
          `${id}-breaches-chart`,
          'Breaches by clock and level',
          m.breaches.map((b) => ({
            label: `${CLOCK[b.clock] ?? b.clock} · ${b.level}`,
            value: b.count,
            text: String(b.count),
            cls: 'breached',
          })),
        )}`
    : html`<p id="${id}-breaches">No breaches.</p>`;
  const paused = m.breachedPaused.length
    ? html`<table id="${id}-paused" class="cards">
          <thead>
            <tr><th scope="col">Waiting on</th><th scope="col" class="num">Pauses</th><th scope="col" class="num">Business hours paused</th></tr>
          </thead>
          <tbody>
            ${m.breachedPaused.map(
              (p) =>
                html`<tr data-waiting-on="${p.waitingOn}" data-pauses="${p.pauses}" data-business-minutes="${p.businessMinutes}">
                  <td data-label="Waiting on">${p.waitingOn}</td>
                  <td data-label="Pauses" class="num">${p.pauses}</td>
                  <td data-label="Business hours paused" class="num">${hours(p.businessMinutes)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
    : html`<p id="${id}-paused">The breached tickets were never paused.</p>`;
  return html`<section id="${id}" data-month="${m.month}">
    <h2>${monthName(m.month)}</h2>
    <h3>Attainment per clock</h3>
    ${attainment}${attainmentBars.length ? barChart(`${id}-attainment-chart`, 'Attainment per clock (percent)', attainmentBars, { max: 100 }) : ''}
    <h3>Customer ratings</h3>
    ${ratingsBlock(id, m.ratings)}
    <h3>Breaches by cause</h3>
    ${breaches}
    <h3>Time the breached tickets were paused, by reason</h3>
    ${paused}
    ${m.distributions.map((d) => distributionBlock(id, d))}
  </section>`;
}

function ratingsBlock(id: string, r: MonthReview['ratings']): SafeHtml {
  if (!r.count) return html`<p id="${id}-ratings" data-count="0">No resolution of the month has been rated yet.</p>`;
  return html`<p id="${id}-ratings" data-count="${r.count}" data-average="${r.average ?? ''}" data-low="${r.low}">
      ${r.count} ${r.count === 1 ? 'rating' : 'ratings'} of the month's resolutions, average
      <strong>${r.average?.toFixed(2) ?? '—'} of 5</strong>; ${r.low} of 2 or less.
    </p>
    ${barChart(
      `${id}-ratings-chart`,
      'Ratings by score',
      r.scores.map((s) => ({
        label: `${s.score} of 5`,
        value: s.count,
        text: String(s.count),
        cls: s.score >= 4 ? 'met' : s.score === 3 ? 'warning' : 'breached',
      })),
    )}`;
}

function distributionBlock(id: string, d: MonthReview['distributions'][number]): SafeHtml {
  const name = d.clock === 'first_response' ? 'First response' : 'Resolution';
  return html`<h3>${name} times, business hours</h3>
    <p id="${id}-${d.clock}-summary" data-count="${d.count}" data-median-minutes="${d.medianBusinessMinutes ?? ''}" data-p90-minutes="${d.p90BusinessMinutes ?? ''}">
      ${d.count} ${d.clock === 'first_response' ? 'responses' : 'resolutions'} within target or late; median
      <strong>${hours(d.medianBusinessMinutes)}</strong>, p90 <strong>${hours(d.p90BusinessMinutes)}</strong>.
    </p>
    ${
      d.count
        ? barChart(
            `${id}-${d.clock}-chart`,
            `${name} times: how many took up to each bound`,
            d.buckets.map((b, i) => ({
              label: b.upToHours === null ? `over ${d.buckets[i - 1]?.upToHours} h` : `up to ${b.upToHours} h`,
              value: b.count,
              text: String(b.count),
            })),
          )
        : ''
    }`;
}
