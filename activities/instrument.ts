import { Context } from '@temporalio/activity';
import { runWithLogContext } from '../lib/log-context';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import { countSlaEvents, workerMetrics } from './metrics';
import type { SlaEventInput, TicketChangeInput } from './ticket-activities';

/**
 * Wraps every activity: its log lines carry the workflow and ticket ids (through the logger's
 * mixin), failed attempts are counted and logged, and recorded SLA events feed the counters.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ActivityFn = (...args: any[]) => Promise<unknown>;

/** Outside a running activity (a unit test calling the function directly) there is no context. */
function activityInfo() {
  try {
    return Context.current().info;
  } catch {
    return null;
  }
}

function ticketIdOf(workflowId: string | undefined, input: unknown): string | undefined {
  const fromWorkflow = workflowId?.match(/^ticket-(.+)$/)?.[1];
  if (fromWorkflow) return fromWorkflow;
  const first = Array.isArray(input) ? input[0] : input;
  const id = (first as { ticketId?: unknown } | undefined)?.ticketId;
  return typeof id === 'string' ? id : undefined;
}

export function instrumentActivities<T extends Record<string, ActivityFn>>(
  activities: T,
  deps: { logger: Logger; store: Store },
): T {
  const levelOf = (e: SlaEventInput) => deps.store.ops.levelAtEvent(e.ticketId, new Date(e.at), e.key);
  const wrapped: Record<string, ActivityFn> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = (...args: unknown[]) => {
      const info = activityInfo();
      const workflowId = info?.workflowExecution?.workflowId;
      const ctx = { workflowId, ticketId: ticketIdOf(workflowId, args[0]), activityType: name };
      return runWithLogContext(ctx, async () => {
        try {
          const result = await fn(...args);
          if (name === 'recordTicketChange') await countSlaEvents((args[0] as TicketChangeInput).events, levelOf);
          if (name === 'applyTicketChange')
            await countSlaEvents((args[0] as { change: TicketChangeInput }).change.events, levelOf);
          return result;
        } catch (err) {
          workerMetrics.activityFailures.inc({ activity: name });
          deps.logger.warn({ err, attempt: info?.attempt }, 'activity attempt failed');
          throw err;
        }
      });
    };
  }
  return wrapped as T;
}
