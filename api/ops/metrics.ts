import express, { type Express, type Request, type RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { invalidInput } from '../../domain/errors';
import { bearerMatches } from '../../lib/bearer';
import type { Logger } from '../../lib/logger';
import { errorHandler, notFoundHandler } from '../problem';
import type { OpsFigures } from '../../desk/ops-figures';
import type { IntakeStep } from '../../desk/tickets';
import { routeLabel } from './request-context';

/**
 * The API's Prometheus registry. Ticket and SLA figures are read from the store at scrape time, which
 * makes one scrape of the API answer "which tickets breached today" even though the events themselves
 * are recorded by the worker. Those reads scan the projections and the day's events: on FerretDB at
 * about 20,000 tickets one costs some 12 s of its CPU (BENCHMARKS.md, intake), so their answer is
 * shared for a minute, whatever the number of scrapers or their interval.
 */

const DAY_MS = 24 * 60 * 60_000;
const STORE_FIGURES_CACHE_MS = 60_000;
/** At most this many `sla_breached_ticket` series: enough for a bad day, bounded for a disaster. */
const MAX_BREACHED_SERIES = 200;

export interface ApiMetricsOptions {
  /** desk/ops-figures.ts: ticket counts and SLA signals. */
  figures: OpsFigures;
  now: () => Date;
  cacheMs?: number;
  /** Label breached tickets by id (`sla_breached_ticket`): only when the operator opts in (METRICS_TICKET_IDS). */
  ticketIds?: boolean;
}

export function createApiMetrics(deps: ApiMetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const cacheMs = deps.cacheMs ?? STORE_FIGURES_CACHE_MS;

  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  // Where a ticket's creation spends its time: the content write, then the workflow start (desk/tickets.ts).
  const intakeStep = new Histogram({
    name: 'ticket_intake_step_duration_seconds',
    help: 'Time a ticket creation spends storing its content and starting its workflow',
    labelNames: ['step'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  /** One store read per cache period, shared by every gauge of a scrape. */
  function cached<T>(load: () => Promise<T>): () => Promise<T> {
    let at = -Infinity;
    let value: Promise<T> | null = null;
    return () => {
      const now = Date.now();
      if (!value || now - at >= cacheMs) {
        at = now;
        value = load().catch((err: unknown) => {
          value = null; // a failed read is retried on the next scrape
          throw err;
        });
      }
      return value;
    };
  }
  const statusCounts = cached(() => deps.figures.ticketCountsByStatus());
  const lastDay = cached(() => {
    const to = deps.now();
    return deps.figures.breaches(new Date(to.getTime() - DAY_MS), new Date(to.getTime() + 1));
  });

  new Gauge({
    name: 'tickets_by_status',
    help: 'Tickets per status (from the ticket_states projection)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of await statusCounts()) this.set({ status }, n);
    },
  });

  new Gauge({
    name: 'sla_events_last_24h',
    help: 'SLA warnings, breaches and escalations recorded in the last 24 hours, by metric and escalation level',
    labelNames: ['type', 'metric', 'level'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of (await lastDay()).signals) this.inc({ type: s.type, metric: s.metric ?? 'none', level: s.level });
    },
  });

  if (deps.ticketIds)
    new Gauge({
      name: 'sla_breached_ticket',
      help: 'Tickets that breached in the last 24 hours; the value is the breach time (Unix seconds)',
      labelNames: ['ticket_id', 'metric', 'priority', 'level'],
      registers: [registry],
      async collect() {
        this.reset();
        const { signals, priorities } = await lastDay();
        const breaches = signals.filter((s) => s.type === 'breached').slice(-MAX_BREACHED_SERIES);
        for (const s of breaches) {
          const labels = {
            ticket_id: s.ticketId,
            metric: s.metric ?? 'none',
            priority: priorities.get(s.ticketId) ?? 'unknown',
            level: s.level,
          };
          this.set(labels, Math.floor(s.at.getTime() / 1000));
        }
      },
    });

  async function namedMetrics(names: string[]): Promise<string> {
    let body = '';
    for (const n of names) body += `${await registry.getSingleMetricAsString(n)}\n`;
    return body;
  }

  // `?name=…` (repeatable) answers only those metrics: a scraper that wants request latencies need not make
  // the store count every ticket. Metrics are collected in the order named.
  const handler: RequestHandler = async (req, res) => {
    const q = req.query.name;
    const names = q === undefined ? [] : Array.isArray(q) ? q.map(String) : [String(q)];
    const unknown = names.find((n) => !registry.getSingleMetric(n));
    if (unknown !== undefined) throw invalidInput(`no metric is named ${JSON.stringify(unknown)}`, 'name');
    const body = names.length ? await namedMetrics(names) : await registry.metrics();
    res.type(registry.contentType).set('Cache-Control', 'no-store').send(body);
  };

  return {
    registry,
    /** GET /metrics; the caller mounts it behind the token or on its own listener (app.ts, main.ts). */
    handler,
    observe(req: Request, status: number, seconds: number) {
      http.observe({ method: req.method, route: routeLabel(req), status: String(status) }, seconds);
    },
    observeIntakeStep(step: IntakeStep, seconds: number) {
      intakeStep.observe({ step }, seconds);
    },
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** Only a scraper bearing the metrics token (METRICS_TOKEN); 401 otherwise. */
export function requireMetricsToken(token: string): RequestHandler {
  return (req, res, next) => {
    if (bearerMatches(req.get('authorization'), token)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="metrics"')
      .type('text/plain')
      .send('a bearer token is required\n');
  };
}

/** The API's metrics alone, for their own listener (METRICS_PORT); the token is checked here too when set. */
export function metricsApp(deps: { metrics: ApiMetrics; token?: string; logger: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.token) app.get('/metrics', requireMetricsToken(deps.token), deps.metrics.handler);
  else app.get('/metrics', deps.metrics.handler);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
