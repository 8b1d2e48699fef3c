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
