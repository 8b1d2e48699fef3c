import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { TimedEvent } from '../../domain/ticket-sla';

/**
 * The ticket's one durable timer, kept while the instant it waits for is unchanged: a message that moves no deadline
 * (a note, a reply that stops no clock) costs no cancelled timer and no new one, and the timer's summary is written
 * once. A moved deadline cancels the old timer and starts one for the new instant.
 */
export class DeadlineTimer {
  private armed: { at: number; scope: CancellationScope; fired: boolean } | null = null;

  /** The armed instant has come: the workflow wakes for it. */
  readonly due = (): boolean => this.armed?.fired === true;

  /**
   * Cancels the armed timer unless it waits for `next`, before a change's effects go out: the cancellation then comes
   * first among the task's commands, as it did when each wake cancelled the timer.
   */
  keepOnly(next: TimedEvent | null): void {
    if (!this.armed || this.armed.fired || this.armed.at === (next ? next.at.getTime() : null)) return;
    this.armed.scope.cancel();
    this.armed = null;
  }

  /** Waits for `next` (nothing when null), reusing the timer already armed for the same instant. */
  arm(next: TimedEvent | null, now: Date): void {
    const at = next ? next.at.getTime() : null;
    if (this.armed && !this.armed.fired && this.armed.at === at) return;
    if (this.armed && !this.armed.fired) this.armed.scope.cancel();
    this.armed = null;
    if (!next || at === null) return;
    const scope = new CancellationScope();
    const armed = { at, scope, fired: false };
    this.armed = armed;
    scope
      .run(() => sleep(at - now.getTime(), { summary: next.describe() }))
      .then(
        () => {
          armed.fired = true;
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }
}
