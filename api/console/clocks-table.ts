import type { BusinessCalendar } from '../../domain/calendar';
import type { ClockSnapshot, TicketSnapshot } from '../../domain/ticket-sla';
import { html, type SafeHtml } from '../http/html';
import { countdown, hours, remainingMs, when } from './time';

/** A ticket's SLA clocks on its console page. */

/**
 * A clock as of the page's drawing. The workflow's snapshot counts to its last change (a query does not move its
 * time), so a running clock's used and remaining minutes are counted again from its due instant and calendar now:
 * "Used" grows while the countdown runs instead of staying at what it was when the ticket last changed.
 */
export function asDrawn(c: ClockSnapshot, cal: BusinessCalendar, now: Date): ClockSnapshot {
  if (c.stopped || c.paused || !c.dueAt) return c;
  const remaining = remainingMs(cal, c.clock, new Date(c.dueAt), now) / 60_000;
  return { ...c, remainingMinutes: remaining, usedMinutes: c.targetMinutes - remaining };
}

export const METRIC: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
  level: 'Level',
};

/** A clock's name on the page: a vendor's by the vendor, a level's by the level. */
export function clockName(
  c: Pick<ClockSnapshot, 'metric' | 'level' | 'vendor'>,
  vendorName: (id?: string) => string = (id = '') => id,
): string {
  if (c.metric === 'vendor') return `Vendor: ${vendorName(c.vendor)}`;
  if (c.metric === 'level') return `Level ${c.level ?? ''} to act`;
  return METRIC[c.metric] ?? c.metric;
}

function clockState(c: ClockSnapshot): string {
  return c.stopped ? 'stopped' : c.paused ? 'paused' : c.breached ? 'breached' : 'running';
}

/** A stopped clock's due cell: when it stopped, and whether that was within its target. */
function stoppedWhen(c: ClockSnapshot, stoppedAt: string, cal: BusinessCalendar): SafeHtml {
  return html`${c.breached ? 'stopped late' : 'met'} ${when(cal, stoppedAt)}`;
}

export function clocksTable(d: {
  sla: Pick<TicketSnapshot, 'clocks'>;
  cal: BusinessCalendar;
  now: Date;
  /** Vendors by id, to name a vendor's clock. */
  vendors?: readonly { id: string; name: string }[];
}): SafeHtml {
  const vendorName = (id = '') => d.vendors?.find((v) => v.id === id)?.name ?? id;
  const rows = d.sla.clocks.map((snap) => {
    // A vendor's clock counts on the vendor's calendar, not the ticket's: drawn as the workflow computed it, and
    // ticking only when it counts around the clock.
    const vendor = snap.metric === 'vendor';
    const c = vendor ? snap : asDrawn(snap, d.cal, d.now);
    const ticks = !vendor || c.clock === '24x7';
    const named = vendor ? html` data-vendor="${c.vendor ?? ''}"` : c.level ? html` data-level="${c.level}"` : '';
    return html`<tr data-metric="${c.metric}" data-state="${clockState(c)}"${named}>
      <th scope="row">${clockName(c, vendorName)}</th>
      <td data-label="Counts">${c.clock === 'business' ? 'business hours' : '24×7'}</td>
      <td data-label="Target" class="num">${hours(c.targetMinutes)}</td>
      <td data-label="Used" class="num used">${hours(c.usedMinutes)}</td>
      <td data-label="Due">${c.dueAt ? when(d.cal, new Date(c.dueAt), 'up') : c.stoppedAt ? stoppedWhen(c, c.stoppedAt, d.cal) : '—'}</td>
      <td data-label="Left">
        ${c.dueAt && !c.paused && ticks ? countdown(d.cal, c.clock, new Date(c.dueAt), d.now) : c.stopped ? '—' : `${hours(c.remainingMinutes)} left${c.paused ? ' (paused)' : ''}`}
      </td>
      <td data-label="State">${clockState(c)}</td>
    </tr>`;
  });
  return html`<table id="clocks" class="cards">
    <thead>
      <tr>
        <th scope="col">Clock</th>
        <th scope="col">Counts</th>
        <th scope="col" class="num">Target</th>
        <th scope="col" class="num">Used</th>
        <th scope="col">Due</th>
        <th scope="col">Left</th>
        <th scope="col">State</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}
