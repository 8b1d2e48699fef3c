import type { Connection } from 'mongoose';
import { registerModels } from './models';
import { createChannelRepositories } from './channels';
import { createAuditRepository } from './audit';
import { createMessageRepository } from './messages';
import { createSlaVersionRepository } from './sla-versions';
import { createWebhookRepository } from './webhooks';
import { createNotificationRepository } from './notifications';
import { createSlaEventRepository } from './sla-events';
import { createTicketListQuery, createTicketStateRepository } from './ticket-states';
import { createTicketRepository } from './tickets';
import { createUserRepository } from './users';
import { createOrganizationRepository } from './organizations';
import { createDomainClaimRepository } from './domain-claims';
import { createOpsQueries } from './ops-queries'; // dashboard and /metrics aggregates
import { createSessionRepository } from './sessions';
import { createMacros } from './macros';
import { createVendors } from './vendors';
import { createSearchIndex } from './search-index';
import { createTicketViews } from './ticket-views';
import { createPortalRepositories } from './portal';
import { createRatingRepository } from './ratings';
import { createRevisionRepositories } from './revision-notices';

export function createStore(conn: Connection) {
  const models = registerModels(conn);
  const sessions = createSessionRepository(conn);
  const { models: portalModels, ...portal } = createPortalRepositories(conn);
  const { models: ratingModels, ...ratings } = createRatingRepository(conn);
  const { models: revisionModels, ...revisions } = createRevisionRepositories(conn);
  return {
    conn,
    tickets: createTicketRepository(models),
    ticketStates: { ...createTicketStateRepository(models), ...createTicketListQuery(models) },
    slaEvents: createSlaEventRepository(models),
    notifications: createNotificationRepository(models),
    users: createUserRepository(models),
    messages: createMessageRepository(models),
    slaVersions: createSlaVersionRepository(models),
    organizations: createOrganizationRepository(models),
    domainClaims: createDomainClaimRepository(models),
    audit: createAuditRepository(models),
    webhooks: createWebhookRepository(models),
    ops: createOpsQueries(models),
    sessions, // the console's and the portal's
    ...createChannelRepositories(conn, models),
    ...createSearchIndex(conn),
    ...createTicketViews(conn),
    ...createMacros(conn),
    ...createVendors(conn),
    ...portal, // sign-in links, SLA acceptances
    ...ratings, // customers' ratings of resolutions
    ...revisions, // revisions of what customers were promised, and the notices about them
    /** Builds indexes explicitly at startup rather than lazily on first use. */
    async init(): Promise<void> {
      await Promise.all(
        [...Object.values(models), sessions.model, ...portalModels, ...ratingModels, ...revisionModels].map((m) =>
          m.init(),
        ),
      );
    },
    async ping(): Promise<void> {
      await conn.db!.admin().command({ ping: 1 });
    },
  };
}

export type Store = ReturnType<typeof createStore>;
