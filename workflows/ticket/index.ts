/** The ticket workflow and the messages callers send it (the desk and tests import them from here). */
export { ticketWorkflow } from './workflow';
export * from './messages';
