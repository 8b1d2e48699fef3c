import type { Client } from '@temporalio/client';
import type { Logger } from '../lib/logger';
import type { Mailer } from '../lib/mailer';
import { createAttachmentService, type AttachmentQuota } from './attachments';
import { createCustomerLinks } from './customer-links';
import type { TicketLinks } from './ticket-links';
import { createWebIntake } from './web-intake';
import type { Store } from '../store';
import { createAgentDirectory } from './agents';
import { createAnnouncementService } from './announcements';
import { createMacroService } from './macros';
import { createVendorService } from './vendors';
import { createTicketList } from './ticket-list';
import { createInboundMail } from './inbound-mail';
import { createHeldMailNotice } from './held-mail-notice';
import { createHeldMail } from './held-mail';
import { createMailParserPool } from './mail-parser-pool';
import { createLiveSessions } from './live-sessions';
import { createReports } from './reports';
import { createSlaService } from './sla';
import type { SlaRegistry } from './sla-registry';
import { createTicketActions, type TicketActions } from './ticket-actions';
import { createTicketService, type IntakeStep, type TicketService } from './tickets';
import { createUserService } from './users';
import { createAgreements } from './agreements';
import { createOrganizationService } from './organizations';
import { createSlaAcceptances } from './sla-acceptance';
import { createPortal, type PortalSettings } from './portal';
import { createPinnedTerms } from './pinned-terms';
import { createSimulations } from './sla-simulation';
import { createReview } from './review';
import { createSessions } from './sessions';
import { createAccess } from './access';
import { createWebhookService } from './webhooks';
import { createOpsFigures } from './ops-figures';
import { createRatings } from './ratings';
import { createRevisionNotices } from './revision-notices';
import { announcingOrganizations, announcingRegistry, createRevisionSchedule } from './revision-schedule';

/**
 * The desk: every use case, built once per process over the same store, workflow client and SLA
 * registry. Each adapter (JSON API, web form, console, inbound SMTP) calls these and nothing below
 * them, so a ticket opened by mail and one opened by the form go through the same steps.
 */
export interface DeskDeps {
  temporal: Client;
  taskQueue: string;
  store: Store;
  /** The admin's API key (ADMIN_API_KEY): not a stored user, so the desk is told it. */
  adminApiKey: string;
  /** The one SLA source: the registry's newest calendar and policy versions. */
  slaRegistry: SlaRegistry;
  logger: Logger;
  /** Private ticket links and console addresses (desk/ticket-links.ts), shared with the worker's mails. */
  links: TicketLinks;
  /** Per-ticket attachment totals (ATTACHMENT_QUOTA_*); the default when absent. */
  attachmentQuota?: AttachmentQuota;
  /** Mails a customer their ticket links on request; without it nothing is sent. */
  mailer?: Mailer;
  mailDomain?: string;
  /** Where customers write to support (MAIL_FROM's address): the SLA's e-mail channel on the portal. */
  supportAddress: string;
  now?: () => Date;
  /** Seconds each step of a ticket's creation took (the API's /metrics). */
  observeIntakeStep?: (step: IntakeStep, seconds: number) => void;
  inboundMail: InboundMailSettings;
  /** The customer portal's sign-in links and sessions (PORTAL_LINK_TTL_MINUTES). */
  portal?: Partial<PortalSettings>;
  /** Webhook hosts allowed although they resolve to internal addresses (WEBHOOK_ALLOW_HOSTS). */
  webhookAllowHosts?: readonly string[];
  /** The desk's contacts per escalation level (ESCALATION_CONTACTS): low ratings are mailed to them. */
  levelContacts?: Record<string, string[]>;
}

export interface InboundMailSettings {
  /** The reply-token secret the worker's outbound mail uses too (lib/reply-token.ts). */
  replySecret: string;
  trustedAuthservIds?: string[];
  parseThreads?: number;
  parseTimeoutMs?: number;
  parseMaxBytes?: number;
  /** Large messages that may wait for a parser thread, by count and bytes (desk/mail-parser-pool.ts). */
  parseQueueMessages?: number;
  parseQueueBytes?: number;
  /** Messages up to this size take the small lane. */
  parseSmallBytes?: number;
}

export function createDesk(deps: DeskDeps) {
  const now = deps.now ?? (() => new Date());
  const { temporal, taskQueue, store, logger } = deps;
  const sla = deps.slaRegistry.current;
  const attachments = createAttachmentService({ store, now, quota: deps.attachmentQuota });
  const agents = createAgentDirectory({ store });
  const actions = createTicketActions({ temporal, store, now, agents, attachments, logger });
  const acceptances = createSlaAcceptances({ store });
  const sessions = createSessions({ store, now });
  const agreements = createAgreements({ store, registry: deps.slaRegistry });
  const pinnedTerms = createPinnedTerms({ store, registry: deps.slaRegistry });
  const revisionNotices = createRevisionNotices({
    store,
    agreements,
    registry: deps.slaRegistry,
    acceptances,
    links: deps.links,
    now,
    mailer: deps.mailer,
    mailDomain: deps.mailDomain,
    logger,
  });
  // Every save of the SLA through the desk is a revision its customers hear of (desk/revision-schedule.ts).
  const slaRegistry = announcingRegistry(deps.slaRegistry, revisionNotices, now);
  const organizations = createOrganizationService({ store, registry: slaRegistry, agreements, temporal, now, logger });
  const reports = createReports({ store, agreements, pinnedTerms, now });
  const tickets = searchable(
    createTicketService({
      temporal,
      taskQueue,
      store,
      termsFor: agreements.termsFor,
      now,
      links: deps.links,
      attachments,
      acceptances,
      pinnedTerms,
      observeStep: deps.observeIntakeStep,
    }),
    actions,
  );
  const mail = deps.inboundMail;
  const mailParser = createMailParserPool({
    threads: mail.parseThreads ?? 1,
    timeoutMs: mail.parseTimeoutMs ?? 10_000,
    maxBytes: mail.parseMaxBytes ?? 12 * 1024 * 1024,
    queueMessages: mail.parseQueueMessages,
    queueBytes: mail.parseQueueBytes,
    smallBytes: mail.parseSmallBytes,
    logger,
  });
  return {
    now,
    /** API keys and console sessions: who is asking. */
    access: createAccess({ store, sessions, adminApiKey: deps.adminApiKey }),
    webhooks: createWebhookService({ store, now, allowHosts: deps.webhookAllowHosts }),
    /** Ticket counts and SLA signals for the dashboard and /metrics. */
    figures: createOpsFigures({ store }),
    /** The database answers (GET /health). */
    pingDatabase: () => store.ping(),
    /** The SLA in force now (calendar and policy), for previews and pages. */
    sla,
    slaRegistry,
    /** The terms a customer's tickets are opened under (`termsFor`): their organization's agreement or the default. */
    agreements,
    organizations: announcingOrganizations(organizations, revisionNotices),
    /** Revisions of what customers were promised: the notices about them, and revisions that apply later. */
    revisionNotices,
    revisionSchedule: createRevisionSchedule({
      store,
      registry: deps.slaRegistry,
      organizations,
      notices: revisionNotices,
      now,
      logger,
    }),
    tickets,
    actions,
    attachments,
    /** Agents' release or discard of mail held for want of proof. */
    heldMail: createHeldMail({ store, actions, attachments, now, logger }),
    links: deps.links,
    webIntake: createWebIntake({ store, tickets, now }),
    customerLinks: createCustomerLinks({
      store,
      links: deps.links,
      acceptances,
      now,
      mailer: deps.mailer,
      mailDomain: deps.mailDomain,
      logger,
    }),
    agents,
    queue: createTicketList({ store, agents, pinnedTerms }),
    /** The calendar and policy versions tickets run under: per ticket, per queue page, and every escalation level in use. */
    pinnedTerms,
    macros: createMacroService({ store, now }),
    vendors: createVendorService({ store, now }),
    liveSessions: createLiveSessions({ temporal, actions, store, now }),
    users: createUserService({ store, now }),
    slaService: createSlaService({ registry: slaRegistry, store, temporal, now }),
    reports,
    /** The SLA review per organization and month (console and CSV). */
    review: createReview({ store, reports }),
    simulations: createSimulations({ store, pinnedTerms, now }),
    announcements: createAnnouncementService({ temporal, taskQueue, store, sla, now }),
    acceptances,
    /** Customers' ratings of resolutions (desk/ratings.ts). */
    ratings: createRatings({
      store,
      links: deps.links,
      pinnedTerms,
      now,
      levelContacts: deps.levelContacts,
      mailer: deps.mailer,
      mailDomain: deps.mailDomain,
      logger,
    }),
    portal: createPortal({
      store,
      agreements,
      pinnedTerms,
      acceptances,
      sessions,
      links: deps.links,
      mailer: deps.mailer,
      mailDomain: deps.mailDomain,
      supportAddress: deps.supportAddress,
      logger,
      now,
      settings: deps.portal,
    }),
    inboundMail: createInboundMail({
      tickets,
      actions,
      attachments,
      store,
      parser: mailParser,
      heldNotice: createHeldMailNotice({
        store,
        links: deps.links,
        now,
        mailer: deps.mailer,
        mailDomain: deps.mailDomain,
        replySecret: mail.replySecret,
        logger,
      }),
      replySecret: mail.replySecret,
      trustedAuthservIds: mail.trustedAuthservIds ?? [],
      now,
      logger,
    }),
    /** Stops the mail parsing threads (shutdown). */
    close: () => mailParser.close(),
  };
}

/** Every new ticket's subject and description go into the search index, whichever channel opened it. */
function searchable(service: TicketService, actions: TicketActions): TicketService {
  return {
    ...service,
    async create(...args: Parameters<TicketService['create']>) {
      const created = await service.create(...args);
      await actions.indexWords(
        created.ticket,
        `${created.ticket.id}\n${created.ticket.subject}\n${created.ticket.description}`,
      );
      return created;
    },
  };
}

export type Desk = ReturnType<typeof createDesk>;
