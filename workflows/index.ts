export { ticketWorkflow } from './ticket';
export { broadcastWorkflow } from './broadcast';
