/** What-if over recorded tickets: their facts from the timeline, replayed through the ticket's own domain code. */
export { factsFromTimeline, type RecordedEvent, type ReplayTicket } from './sla-replay/facts';
export { replayTicket, type ReplayTerms, type ReplayResult } from './sla-replay/replay';
export {
  clockOutcomes,
  explainStretch,
  sameSecond,
  type ClockOutcome,
  type ClockResult,
  type OpenClock,
} from './sla-replay/outcome';
