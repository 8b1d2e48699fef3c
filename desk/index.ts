import type { Client } from '@temporalio/client';
import type { Logger } from '../lib/logger';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';
import { createAgentMailer } from './agent-mail';
import { createAgentDirectory } from './agents';
import { createAnnouncementService } from './announcements';
import { createMacroService } from './macros';
import { createTicketList } from './ticket-list';
import { createInboundMail } from './inbound-mail';
import { createLiveSessions } from './live-sessions';
import { createSlaService } from './sla';
import type { SlaRegistry } from './sla-registry';
import { createTicketActions, type TicketActions } from './ticket-actions';
import { createTicketService, type IntakeStep, type TicketService } from './tickets';
import { createUserService } from './users';

/**
 * The desk: every use case, built once per process over the same store, workflow client and SLA
 * registry. Each adapter (JSON API, web form, console, inbound SMTP) calls these and nothing below
 * them, so a ticket opened by mail and one opened by the form go through the same steps.
 */
export interface DeskDeps {
  temporal: Client;
  taskQueue: string;
  store: Store;
  /** The one SLA source: the registry's newest calendar and policy versions. */
  slaRegistry: SlaRegistry;
  logger: Logger;
  now?: () => Date;
  /** Seconds each step of a ticket's creation took (the API's /metrics). */
  observeIntakeStep?: (step: IntakeStep, seconds: number) => void;
  /** Mails to agents (assignment, customer replies); without it they are not sent. */
  mailer?: Mailer;
  mailDomain?: string;
  publicUrl?: string;
}

export function createDesk(deps: DeskDeps) {
  const now = deps.now ?? (() => new Date());
  const { temporal, taskQueue, store, slaRegistry, logger } = deps;
  const sla = slaRegistry.current;
  const agents = createAgentDirectory({ store });
  const mailAgent = createAgentMailer({ store, mailer: deps.mailer, mailDomain: deps.mailDomain ?? 'support.local', publicUrl: deps.publicUrl ?? 'http://localhost', now, logger });
  const actions = createTicketActions({ temporal, store, now, agents, mailAgent, logger });
  const tickets = searchable(createTicketService({ temporal, taskQueue, store, sla, now, observeStep: deps.observeIntakeStep }), actions);
  return {
    now,
    /** The SLA in force now (calendar and policy), for previews and pages. */
    sla,
    slaRegistry,
    tickets,
    actions,
    agents,
    queue: createTicketList({ store, agents }),
    macros: createMacroService({ store, now }),
    liveSessions: createLiveSessions({ temporal, actions, store, now }),
    users: createUserService({ store, now }),
    slaService: createSlaService({ registry: slaRegistry, store, temporal, now }),
    announcements: createAnnouncementService({ temporal, taskQueue, store, sla, now }),
    inboundMail: createInboundMail({ tickets, actions, store, now, logger }),
  };
}

/** Every new ticket's subject and description go into the search index, whichever channel opened it. */
function searchable(service: TicketService, actions: TicketActions): TicketService {
  return {
    ...service,
    async create(...args: Parameters<TicketService['create']>) {
      const created = await service.create(...args);
      await actions.indexWords(created.ticket, `${created.ticket.id}\n${created.ticket.subject}\n${created.ticket.description}`);
      return created;
    },
  };
}

export type Desk = ReturnType<typeof createDesk>;
