/**
 * The replay's proof: a ticket replayed under the terms it was pinned to (and re-timed to) gives every outcome its
 * timeline recorded (met or breached, each deadline to the second) and, while it is open, the due instants its
 * projection holds. Replayed as of its last recorded change, so a timer that has not fired yet is not counted.
 */
import {
  clockOutcomes,
  replayTicket,
  sameSecond,
  type ClockOutcome,
  type OpenClock,
  type RecordedEvent,
  type ReplayTicket,
} from '../domain/sla-replay';
import type { RecordedTerms } from './sla-simulation-terms';

export interface SelfCheckMismatch {
  id: string;
  recorded: ClockOutcome[];
  replayed: ClockOutcome[];
  caveats: string[];
}

export function checkTicket(
  ticket: ReplayTicket,
  timeline: RecordedEvent[],
  projected: OpenClock[],
  terms: RecordedTerms,
): SelfCheckMismatch | null {
  const last = timeline.reduce((max, e) => Math.max(max, Date.parse(e.at)), 0);
  const replayed = replayTicket(ticket, terms.opened, { asOf: new Date(last), retimeTo: terms.retimeTo });
  const want = clockOutcomes(timeline, projected);
  const got = clockOutcomes(replayed.events, replayed.snapshot.clocks);
  const same =
    want.length === got.length &&
    want.every((w, i) => {
      const g = got[i]!;
      return w.metric === g.metric && w.cycle === g.cycle && w.result === g.result && sameSecond(w.dueAt, g.dueAt);
    });
  return same ? null : { id: ticket.ticketId, recorded: want, replayed: got, caveats: replayed.caveats };
}
