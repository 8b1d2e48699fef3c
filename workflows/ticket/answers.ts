import type { UpdateDefinition } from '@temporalio/common';
import { currentUpdateInfo, setHandler } from '@temporalio/workflow';
import type { TicketSnapshot } from '../../domain/ticket-sla';

/**
 * The answers of a ticket's latest updates by update id, carried across continue-as-new. Temporal answers a
 * retried update (same id) from the run that took it; after a switch the new run would take it afresh, mailing
 * twice or refusing what it already did ("already assigned"). A retry comes within minutes, so the latest
 * answers are enough (each about 1.3 KB of the next run's input).
 */
const KEPT = 20;

type CarriedAnswers = [updateId: string, answer: TicketSnapshot][];

export class UpdateAnswers {
  private readonly byId: Map<string, TicketSnapshot>;

  constructor(carried: CarriedAnswers = []) {
    this.byId = new Map(carried);
  }

  /**
   * Sets an update's handler and validator so that a retry of an update already answered is answered the same,
   * without validation (it would refuse a change already made) and without a second change.
   */
  handle<A extends unknown[]>(
    update: UpdateDefinition<TicketSnapshot, A>,
    handler: (...args: A) => TicketSnapshot,
    validator: (...args: A) => void,
  ): void {
    setHandler(update, (...args: A) => this.answered() ?? this.keep(handler(...args)), {
      validator: (...args: A) => {
        if (!this.answered()) validator(...args);
      },
    });
  }

  carried(): CarriedAnswers {
    return [...this.byId];
  }

  private answered(): TicketSnapshot | undefined {
    const id = currentUpdateInfo()?.id;
    return id === undefined ? undefined : this.byId.get(id);
  }

  private keep(answer: TicketSnapshot): TicketSnapshot {
    const id = currentUpdateInfo()?.id;
    if (id === undefined) return answer;
    this.byId.set(id, answer);
    for (const oldest of this.byId.keys()) {
      if (this.byId.size <= KEPT) break;
      this.byId.delete(oldest);
    }
    return answer;
  }
}
