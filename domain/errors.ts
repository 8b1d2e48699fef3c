/**
 * Typed errors for the pure domain. `code` is stable and machine-readable; `field` names the offending
 * input (e.g. "windows[2].open", "targets.urgent.resolutionMinutes") so config and API errors can point at it.
 */
export type DomainErrorCode =
  'invalid_calendar' | 'invalid_policy' | 'invalid_argument' | 'no_open_time' | 'never_closes' | 'out_of_range';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly field?: string;
  /** The message without the field prefix. */
  readonly reason: string;

  constructor(code: DomainErrorCode, message: string, field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'DomainError';
    this.code = code;
    this.reason = message;
    if (field !== undefined) this.field = field;
  }
}

/** Invalid calendar data, or a calendar that cannot answer (no open time found within the scan bound). */
export class CalendarError extends DomainError {
  constructor(message: string, field?: string, code: DomainErrorCode = 'invalid_calendar') {
    super(code, message, field);
    this.name = 'CalendarError';
  }
}

export class PolicyError extends DomainError {
  constructor(message: string, field?: string) {
    super('invalid_policy', message, field);
    this.name = 'PolicyError';
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
