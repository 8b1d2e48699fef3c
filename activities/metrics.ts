import { Counter, Histogram, Registry } from 'prom-client';
import type { SlaEventInput } from './ticket-activities';

/**
 * The worker process's own metrics. SLA signals are counted where they are recorded
 * (`recordTicketChange`), so the counters follow the events the workflows actually produced.
 * One registry per process: worker/main.ts serves it on WORKER_METRICS_PORT.
 */
export const workerRegistry = new Registry();

const labelNames = ['metric', 'level'] as const;
export const workerMetrics = {
  warnings: new Counter({
    name: 'sla_warnings_total',
    help: 'SLA warnings recorded, by metric and escalation level',
    labelNames,
    registers: [workerRegistry],
  }),
  breaches: new Counter({
    name: 'sla_breaches_total',
    help: 'SLA breaches recorded, by metric and escalation level',
    labelNames,
    registers: [workerRegistry],
  }),
  escalations: new Counter({
    name: 'sla_escalations_total',
    help: 'Escalations recorded, by metric (none for manual) and level reached',
    labelNames,
    registers: [workerRegistry],
  }),
  escalationLag: new Histogram({
    name: 'sla_escalation_lag_seconds',
    help: 'How late an automatic escalation was recorded after its due instant',
    labelNames,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [workerRegistry],
  }),
  activityFailures: new Counter({
    name: 'activity_failures_total',
    help: 'Failed activity attempts, by activity type',
    labelNames: ['activity'],
    registers: [workerRegistry],
  }),
};

/**
 * Counts one recorded batch. `levelOf` gives the level a ticket was at when a warning or breach
 * happened (those events carry no level of their own); it reads the recorded escalations, the same
 * rule the dashboard and the API's /metrics use.
 */
export async function countSlaEvents(
  events: SlaEventInput[],
  levelOf: (e: SlaEventInput) => Promise<string>,
): Promise<void> {
  for (const e of events) {
    const metric = e.metric ?? 'none';
    if (e.type === 'escalated') {
      const level = e.level ?? 'unknown';
      workerMetrics.escalations.inc({ metric, level });
      const due = (e.detail?.escalationDueAt as string | undefined) ?? e.dueAt;
      // Manual escalations have no due instant: there is no lag to measure.
      if (due && e.detail?.manual !== true)
        workerMetrics.escalationLag.observe(
          { metric, level },
          Math.max(0, (Date.parse(e.at) - Date.parse(due)) / 1000),
        );
    } else if (e.type === 'warning' || e.type === 'breached') {
      const counter = e.type === 'warning' ? workerMetrics.warnings : workerMetrics.breaches;
      // Events carry the level they happened at; events recorded before they did are looked up (a scan on FerretDB).
      counter.inc({ metric, level: e.level ?? (await levelOf(e)) });
    }
  }
}
