import type { TicketSnapshot } from '../../domain/ticket-sla';
import { pausesOf } from '../../domain/policy-pauses';
import type { SlaPolicy } from '../../domain/policy';
import type { BusinessCalendar } from '../../domain/calendar';
import { html, type SafeHtml } from '../http/html';
import { hours, when } from './time';

/**
 * Why a ticket's deadlines moved: what it waits on now and how long it has waited on each reason, in business time
 * (what the clocks skipped) and in wall time. Empty for a ticket never paused for a reason.
 */
export function pausedTimeSection(
  s: Pick<TicketSnapshot, 'pause' | 'pausedTime'>,
  policy: Pick<SlaPolicy, 'pauses'> | null,
  cal: BusinessCalendar,
): SafeHtml | '' {
  if (!s.pause && !s.pausedTime?.length) return '';
  const reasons = policy ? pausesOf(policy) : {};
  const label = (id: string) => reasons[id]?.label ?? id;
  const p = s.pause;
  return html`<section id="paused-time">
    ${
      p
        ? html`<p id="waiting-on" data-waiting-on="${p.waitingOn}">
          Waiting on: <strong>${p.label}</strong>${p.vendor ? html` (${p.vendor})` : ''} since ${when(cal, p.since)};
          paused clocks: ${p.clocks.map((c) => c.replace('_', ' ')).join(', ') || 'none'}${
            p.endsAt ? html`; ends by itself ${when(cal, p.endsAt, 'up')}` : ''
          }.
        </p>`
        : ''
    }
    <table class="paused-time">
      <caption>
        Paused time per reason
      </caption>
      <thead>
        <tr>
          <th scope="col">Reason</th>
          <th scope="col">Pauses</th>
          <th scope="col">Business time</th>
          <th scope="col">Wall time</th>
        </tr>
      </thead>
      <tbody>
        ${(s.pausedTime ?? []).map(
          (r) =>
            html`<tr data-waiting-on="${r.waitingOn}">
              <td>${label(r.waitingOn)}</td>
              <td>${r.pauses}</td>
              <td>${hours(r.businessMinutes)}</td>
              <td>${hours(r.minutes)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
