import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line of the current request or activity should carry (request id, ticket id,
 * workflow id). Kept in AsyncLocalStorage so that services logging through the shared logger get
 * these fields without passing a child logger down every call.
 */
export interface LogContext {
  requestId?: string;
  ticketId?: string;
  workflowId?: string;
  activityType?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The fields for pino's mixin: only the ones set, so lines outside a request stay unchanged. */
export function currentLogContext(): LogContext {
  const ctx = storage.getStore();
  if (!ctx) return {};
  return Object.fromEntries(Object.entries(ctx).filter(([, v]) => v !== undefined)) as LogContext;
}
