/** What a level clock keeps: the level reached, its target on the ticket's calendar, and how it ended. */
export interface LevelClock {
  level: string;
  /** Counts this ticket's level clocks, so each one's notices and timers have their own keys. */
  seq: number;
  startedAt: string;
  targetMinutes: number;
  dueAt: string;
  warningAt: string;
  /** The policy's reminders warn this clock, one at each fraction (`level-clock-reminders`); else one warning. */
  reminders?: boolean;
  /** When the level acted (or handed the ticket on, or it ended); absent while it runs. */
  stoppedAt?: string;
  /** What stopped it: the agent action that counts as acting, `escalated` or the ticket's end. */
  stoppedBy?: string;
}
