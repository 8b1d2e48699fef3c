import { Context } from '@temporalio/activity';

/**
 * Heartbeats while `work` runs. A mail activity then needs no tight start-to-close timeout: a slow
 * store under load never makes Temporal retry (and resend) a send that is still going, while a
 * worker that died is noticed within the heartbeat timeout.
 */
export async function withHeartbeat<T>(work: () => Promise<T>, everyMs = 2_000): Promise<T> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    return work(); // called outside an activity (tests, scripts)
  }
  // A local activity has no heartbeat: it lives inside its workflow task, which the SDK keeps alive.
  if (ctx.info.isLocal) return work();
  const timer = setInterval(() => ctx!.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Whether the code runs as a local activity (outside any activity, as in tests and scripts: no). */
export function isLocalActivity(): boolean {
  try {
    return Context.current().info.isLocal;
  } catch {
    return false;
  }
}
