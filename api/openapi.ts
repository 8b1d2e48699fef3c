import { DEFAULT_POLICY } from '../domain/policy';
import { buildDocument } from './openapi-document';
import type { DocContext, JsonSchema, Operation, ResourceDocs } from './openapi-operation';
import { docs as announcements } from './routes/announcements.openapi';
import { docs as apiIndex } from './routes/api-index.openapi';
import { docs as attachments } from './routes/attachments.openapi';
import { docs as documentation } from './routes/docs.openapi';
import { docs as health } from './routes/health.openapi';
import { docs as heldMail } from './routes/held-mail.openapi';
import { docs as inbound } from './routes/inbound.openapi';
import { docs as liveSessions } from './routes/live-sessions.openapi';
import { docs as macros } from './routes/macros.openapi';
import { docs as vendors } from './routes/vendors.openapi';
import { docs as organizations } from './routes/organizations.openapi';
import { docs as reports } from './routes/reports.openapi';
import { docs as ratingReports } from './routes/rating-reports.openapi';
import { docs as simulations } from './routes/simulations.openapi';
import { docs as review } from './routes/review.openapi';
import { docs as namedSla } from './routes/sla-named.openapi';
import { docs as slaRevisions } from './routes/sla-revisions.openapi';
import { docs as sla } from './routes/sla.openapi';
import { docs as ticketThread } from './routes/ticket-thread.openapi';
import { docs as tickets } from './routes/tickets.openapi';
import { docs as users } from './routes/users.openapi';
import { docs as webhooks } from './routes/webhooks.openapi';

export type { DocContext, Operation } from './openapi-operation';

/**
 * /openapi.json, assembled from what each resource documents beside its routes (api/routes/*.openapi.ts), in
 * the order /docs shows them. Adding a route means adding its operation there (and an example, which /docs
 * turns into a curl command); api/openapi-document.ts generates the document from their zod schemas.
 */
const RESOURCES: ResourceDocs[] = [
  users,
  tickets,
  ticketThread,
  health,
  documentation,
  apiIndex,
  sla,
  liveSessions,
  attachments,
  webhooks,
  announcements,
  inbound,
  heldMail,
  macros,
  vendors,
  namedSla,
  slaRevisions,
  organizations,
  reports,
  ratingReports,
  simulations,
  review,
];

export const OPERATIONS: Operation[] = RESOURCES.flatMap((r) => r.operations);
const COMPONENTS = Object.assign({}, ...RESOURCES.map((r) => r.components ?? {}));

/** The whole document for the SLA policy in force (its categories); cheap enough to build when that changes. */
export function openApiDocument(ctx: DocContext = { categories: DEFAULT_POLICY.categories }): JsonSchema {
  return buildDocument(OPERATIONS, COMPONENTS, ctx);
}
