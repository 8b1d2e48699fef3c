export { ticketWorkflow } from './ticket/workflow';
export { broadcastWorkflow } from './broadcast';
