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

/**
 * The pending form's choices: what the ticket will wait on (the reasons of its own policy, by their labels) and,
 * for a third party, which vendor. The reason's text goes to the customer only when the reason tells them.
 */
export function pauseFields(
  policy: Pick<SlaPolicy, 'pauses'>,
  vendors: readonly { id: string; name: string }[],
  reasonText: SafeHtml,
): SafeHtml {
  const reasons = Object.entries(pausesOf(policy));
  return html`<label for="pending-waitingOn">Waiting on</label
    ><select id="pending-waitingOn" name="waitingOn">
      ${reasons.map(
        ([id, r]) =>
          html`<option value="${id}">
            ${r.label}${r.tellCustomer ? ' (the customer is told the reason)' : ' (the reason stays internal)'}${
              r.maxMinutes ? ` — ends by itself after ${hours(r.maxMinutes)}` : ''
            }
          </option>`,
      )}</select
    >${
      vendors.length
        ? html`<label for="pending-vendor">Vendor (when waiting on a third party)</label
          ><select id="pending-vendor" name="vendor">
            <option value="">—</option>
            ${vendors.map((v) => html`<option value="${v.id}">${v.name}</option>`)}
          </select>`
        : ''
    }${reasonText}`;
}
