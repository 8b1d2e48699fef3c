/** What a pause keeps: the reason the ticket waits on, its vendor's clock, and the time paused per reason. */
import type { CalendarSpec } from '../calendar';
import type { Metric } from '../policy';

export interface ActivePause {
  /** The reason id (a key of the policy's `pauses`). */
  waitingOn: string;
  label: string;
  /** Counts this ticket's pauses, so each one's notices have their own keys. */
  seq: number;
  since: string;
  /** The clocks this pause stopped (those of its reason that were running). */
  clocks: Metric[];
  tellCustomer: boolean;
  /** For a third party: which one. */
  vendor?: string;
  /** When the reason's `maxMinutes` ends the pause by itself. */
  endsAt?: string;
  /** While waiting on a known vendor: its own clock (its target on its calendar), from the pause's start. */
  vendorClock?: VendorClock;
}

/** A vendor as the ticket's pause pins it (desk/vendors.ts resolves it when the agent sets the ticket pending). */
export interface VendorTerms {
  id: string;
  name: string;
  /** The vendor's calendar; null: 24x7. */
  calendar: CalendarSpec | null;
  targetMinutes: number;
  /** Where a breach's chaser mail goes; none: no chaser. */
  contacts: string[];
}

export interface VendorClock extends VendorTerms {
  startedAt: string;
  dueAt: string;
  warningAt: string;
}

export interface PausedTotal {
  pauses: number;
  businessMinutes: number;
  minutes: number;
}

export interface PauseSnapshot {
  waitingOn: string;
  label: string;
  since: string;
  clocks: Metric[];
  vendor: string | null;
  endsAt: string | null;
}

export interface PausedTimeRow {
  waitingOn: string;
  pauses: number;
  businessMinutes: number;
  minutes: number;
}
