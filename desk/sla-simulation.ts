/**
 * What-if over past tickets (POST /api/v1/sla/simulations): every ticket received in a window is replayed from its
 * recorded facts under the terms it was pinned to and under proposed ones, with the domain code its workflow runs
 * (domain/sla-replay). Nothing is written: a proposal is judged before it is saved.
 */
import { factsFromTimeline, replayTicket, type ReplayTicket } from '../domain/sla-replay';
import { createCalendar, type BusinessCalendar } from '../domain/calendar';
import type { Store } from '../store';
import { createReplayReads, type ReplayRow } from '../store/replay-reads';
import type { PinnedTermsLookup } from './pinned-terms';
import { checkTicket, type SelfCheckMismatch } from './sla-self-check';
import { summarise, type ReplayedTicket } from './sla-simulation-report';
import { createRecordedTerms, type ProposedTerm, type RecordedTerms } from './sla-simulation-terms';

export interface SimulationInput {
  from: Date;
  to: Date;
  /** One organization's tickets; `none`: customers without one. */
  organizationId?: string;
  policy?: ProposedTerm;
  calendar?: ProposedTerm;
}

/** A ticket the window holds but no replay can stand for (no timeline, or terms no longer stored). */
export interface SkippedTicket {
  id: string;
  reason: string;
}

interface Loaded {
  row: ReplayRow;
  ticket: ReplayTicket;
  terms: RecordedTerms;
}

export function createSimulations(deps: { store: Store; pinnedTerms: PinnedTermsLookup; now: () => Date }) {
  const reads = createReplayReads(deps.store.conn);

  /** The window's tickets with their facts and recorded terms; those without either are skipped, saying why. */
  async function load(from: Date, to: Date, organizationId?: string) {
    const rows = await reads.received(from, to, organizationId);
    const ids = rows.map((r) => r.id);
    const [timelines, messages, acceptances, contents] = await Promise.all([
      reads.timelines(ids),
      reads.customerMessages(ids),
      reads.acceptances(ids),
      deps.store.tickets.many(ids),
    ]);
    const recordedTerms = createRecordedTerms(deps);
    const skipped: SkippedTicket[] = [];
    const facts = new Map<string, ReplayTicket>();
    for (const row of rows) {
      const f = factsFromTimeline(
        timelines.get(row.id) ?? [],
        messages.get(row.id) ?? [],
        acceptances.get(row.id) ?? [],
      );
      if (!f) skipped.push({ id: row.id, reason: 'no receipt on its timeline' });
      else if (!contents.has(row.id)) skipped.push({ id: row.id, reason: 'its content (and terms) are not stored' });
      else
        facts.set(row.id, {
          ...f,
          ticketId: row.id,
          ...(row.organizationId ? { organizationId: row.organizationId } : {}),
        });
    }
    const retimes = new Map(
      [...facts].map(([id, f]) => [id, f.facts.flatMap((x) => (x.kind === 'retimed' ? [x.detail] : []))]),
    );
    const terms = await recordedTerms.of(
      [...facts.keys()].map((id) => contents.get(id)!),
      retimes,
    );
    const loaded: Loaded[] = rows.flatMap((row) =>
      facts.has(row.id) ? [{ row, ticket: facts.get(row.id)!, terms: terms.get(row.id)! }] : [],
    );
    return { loaded, skipped, timelines, recordedTerms };
  }

  return {
    async run(input: SimulationInput) {
      const { loaded, skipped, recordedTerms } = await load(input.from, input.to, input.organizationId);
      const proposal = await recordedTerms.proposal(input);
      const asOf = deps.now();
      const calendars = new Map<unknown, BusinessCalendar>();
      const calendarOf = (spec: object) => {
        if (!calendars.has(spec)) calendars.set(spec, createCalendar(spec as never));
        return calendars.get(spec)!;
      };
      const replayed: ReplayedTicket[] = loaded.map(({ row, ticket, terms }) => {
        const proposedTerms = {
          ...terms.opened,
          ...(proposal.policy ? { policy: proposal.policy } : {}),
          ...(proposal.calendar ? { calendar: proposal.calendar } : {}),
        };
        return {
          id: row.id,
          organizationId: row.organizationId ?? null,
          current: replayTicket(ticket, terms.opened, { asOf, retimeTo: terms.retimeTo }),
          proposed: replayTicket(ticket, proposedTerms, { asOf, cal: calendarOf(proposedTerms.calendar) }),
          proposedTerms,
        };
      });
      const { attainment, changed, open, rows } = summarise(replayed, asOf);
      const caveats = replayed.flatMap((t) =>
        t.proposed.caveats.length ? [{ id: t.id, caveats: t.proposed.caveats }] : [],
      );
      return {
        result: {
          from: input.from.toISOString(),
          to: input.to.toISOString(),
          ...(input.organizationId !== undefined ? { organization: input.organizationId } : {}),
          asOf: asOf.toISOString(),
          proposal: proposal.names,
          tickets: replayed.length,
          attainment,
          changed,
          open,
          skipped,
          caveats,
        },
        rows,
      };
    },

    /** Every ticket received in the window replayed under its own terms: the ones whose outcomes differ. */
    async selfCheck(
      from: Date,
      to: Date,
    ): Promise<{ checked: number; mismatches: SelfCheckMismatch[]; skipped: SkippedTicket[] }> {
      const { loaded, skipped, timelines } = await load(from, to);
      const mismatches = loaded.flatMap(({ row, ticket, terms }) => {
        const m = checkTicket(ticket, timelines.get(row.id) ?? [], row.clocks, terms);
        return m ? [m] : [];
      });
      return { checked: loaded.length, mismatches, skipped };
    },
  };
}

export type Simulations = ReturnType<typeof createSimulations>;
export type SimulationResult = Awaited<ReturnType<Simulations['run']>>['result'];
