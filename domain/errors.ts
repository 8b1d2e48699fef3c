/**
 * The domain layer's one home of errors (desk/, store/ and api/problem.ts have one each). Two families:
 * - DomainError: invalid calendar or policy data, or a calendar that cannot answer;
 * - AppError: what the use cases refuse (not found, conflict, invalid input...), free of HTTP.
 *
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

/**
 * Errors the services raise, free of HTTP: the API maps each code to a status, the workflow and
 * activities to failure types.
 */
export type AppErrorCode =
  'not_found' | 'conflict' | 'invalid_transition' | 'unavailable' | 'invalid_input' | 'too_large' | 'forbidden';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFoundError = (what: string) => new AppError('not_found', `no such ${what}`);
export const conflictError = (message: string, field?: string) => new AppError('conflict', message, field);
export const invalidTransition = (message: string) => new AppError('invalid_transition', message);
export const unavailableError = (message: string) => new AppError('unavailable', message);
export const invalidInput = (message: string, field?: string) => new AppError('invalid_input', message, field);
/** The caller's role may not do this (a customer writing an internal note), whatever the input. */
export const forbiddenError = (message: string, field?: string) => new AppError('forbidden', message, field);
