import type { BusinessCalendar } from '../../domain/calendar';
import type { SlaEventRecord } from '../../domain/entities';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import { html, type SafeHtml } from '../http/html';
import { openWindows } from './time';

/**
 * A ticket's SLA timeline as an SVG bar: the calendar's open windows from receipt to the later of
 * now and the next deadline, the business time elapsed since receipt shaded darker, the SLA events as
 * markers and each running clock's due instant as a dashed line. Readable without JavaScript;
 * each marker has a <title> for the exact time.
 */

const W = 900;
const LEFT = 10;
const RIGHT = 10;
const BAR_Y = 34;
const BAR_H = 26;
const H = 110;
const SHORT: Record<string, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};

type Event = Omit<SlaEventRecord, 'key'>;

export function timelineSvg(cal: BusinessCalendar, sla: TicketSnapshot, events: Event[], now: Date): SafeHtml {
  const start = new Date(sla.receivedAt);
  const dues = sla.clocks
    .filter((c) => !c.stopped && c.dueAt)
    .map((c) => ({ metric: c.metric, at: new Date(c.dueAt!) }));
  const latest = Math.max(now.getTime(), ...dues.map((d) => d.at.getTime()), ...events.map((e) => e.at.getTime()));
  // A little room after the last mark so it is not drawn on the edge.
  const end = new Date(latest + Math.max(60_000, (latest - start.getTime()) * 0.03));
  const span = end.getTime() - start.getTime();
  const x = (t: Date) => LEFT + ((t.getTime() - start.getTime()) / span) * (W - LEFT - RIGHT);
  const wins = openWindows(cal, start, end);
  const used = openWindows(cal, start, now < end ? now : end);

  const rect = (cls: string, from: Date, to: Date) =>
    html`<rect
      class="${cls}"
      x="${x(from).toFixed(1)}"
      y="${BAR_Y}"
      width="${Math.max(0.5, x(to) - x(from)).toFixed(1)}"
      height="${BAR_H}"
      ><title>
        ${cls === 'used' ? 'business time elapsed' : 'support open'}: ${cal.formatLocal(from)} → ${cal.formatLocal(to)}
      </title></rect
    >`;
  const markers = events.map((e) => {
    const cx = x(e.at).toFixed(1);
    const what = [e.type.replace(/_/g, ' '), e.metric ? SHORT[e.metric] : '', e.level ?? '']
      .filter(Boolean)
      .join(' · ');
    return html`<circle class="ev ev-${e.type}" cx="${cx}" cy="${BAR_Y - 8}" r="5"
      ><title>${what} at ${cal.formatLocal(e.at, 'down')}</title></circle
    >`;
  });
  const dueLines = dues.map(
    (d, i) =>
      html`<line
          class="due"
          x1="${x(d.at).toFixed(1)}"
          x2="${x(d.at).toFixed(1)}"
          y1="${BAR_Y - 4}"
          y2="${BAR_Y + BAR_H + 4}"
          ><title>${SHORT[d.metric]} due ${cal.formatLocal(d.at)}</title></line
        >
        <text class="due-text" x="${Math.min(x(d.at), W - 150).toFixed(1)}" y="${BAR_Y + BAR_H + 16 + i * 12}"
          >${SHORT[d.metric]} due</text
        >`,
  );
  const nowX = x(now).toFixed(1);
  return html`<svg
      id="timeline"
      viewBox="0 0 ${W} ${H}"
      width="${W}"
      height="${H}"
      role="img"
      aria-labelledby="timeline-title"
      data-events="${events.map((e) => e.type).join(',')}"
      data-due="${dues.map((d) => d.metric).join(',')}"
      data-open-windows="${wins.length}"
    >
      <title id="timeline-title">
        SLA timeline from receipt (${cal.formatLocal(start, 'down')}) to ${cal.formatLocal(end)}: ${wins.length} open support
        window(s), ${events.length} event(s)
      </title>
      <rect class="closed" x="${LEFT}" y="${BAR_Y}" width="${W - LEFT - RIGHT}" height="${BAR_H}"></rect>
      ${wins.map((w) => rect('win', w.from, w.to))}${used.map((w) => rect('used', w.from, w.to))} ${markers}${dueLines}
      <line class="now" x1="${nowX}" x2="${nowX}" y1="${BAR_Y - 14}" y2="${BAR_Y + BAR_H + 4}">
        <title>now: ${cal.formatLocal(now, 'down')}</title>
      </line>
      <text x="${LEFT}" y="${H - 4}">${cal.formatLocal(start, 'down')}</text>
      <text x="${W - RIGHT}" y="${H - 4}" text-anchor="end">${cal.formatLocal(end)}</text>
    </svg>
    <p class="meta">
      Light green: support open · dark green: business time elapsed since receipt · dots: SLA events · dashed red:
      deadlines · blue: now.
    </p>`;
}
