import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { conflictError, forbiddenError, invalidInput, notFoundError, unavailableError } from '../domain/errors';
import { createCalendar } from '../domain/calendar';
import type { Priority } from '../domain/policy';
import { receive, snapshot, type TicketIntake, type TicketSnapshot } from '../domain/ticket-sla';
import type { Channel, LiveSupportTool } from '../domain/ticket';
import type { Store } from '../store';
import type { TicketContent } from '../domain/entities';
import { ticketWorkflow } from '../workflows/ticket';
import * as sa from '../workflows/search-attributes';
import { snapshotFor, threadFor, ticketFor, type CustomerSnapshot } from './customer-view';
import type { Principal } from './principal';
import { isStoreUnavailable } from '../store/errors';
import { ensureCustomer, pendingOrganization } from './customers';
import { canonicalOrNull } from '../lib/email-address';
import type { AttachmentService, CheckedFile } from './attachments';
import type { TicketLinks } from './ticket-links';
import { ticketTermsOf, type AgreementHolder, type AgreementTerms } from './agreements';
import type { SlaAcceptances } from './sla-acceptance';
import type { PinnedTermsLookup } from './pinned-terms';
import { newTicketId, ticketIdForKey, workflowIdFor } from './ticket-ids';
import { createSlaReads } from './ticket-sla-reads';

// Re-exported: adapters and tests name tickets through this module.
export { newTicketId, ticketIdForKey, workflowIdFor };
export type { SlaSettings } from './sla-registry';

/** What any channel brings to open a ticket (the API's JSON body, the web form, a mail). */
export interface OpenTicketInput {
  subject: string;
  description: string;
  category: string;
  priority: string;
  customerEmail?: string;
  customerName?: string;
  errorMessage?: string;
  channel: Channel;
  liveSupportTool?: LiveSupportTool;
  /** Files sent with the request that were not kept, and why (the acknowledgement lists them). */
  refusedFiles?: { filename: string; reason: string }[];
}

/** The steps of a ticket's creation, in order: its content stored, then its workflow started. */
export type IntakeStep = 'content' | 'start';

export interface TicketServiceDeps {
  temporal: Client;
  taskQueue: string;
  store: Store;
  /** The agreement a customer's new ticket is opened under (desk/agreements.ts). */
  termsFor: (customer: AgreementHolder) => Promise<AgreementTerms>;
  now: () => Date;
  links: TicketLinks;
  attachments: AttachmentService;
  /** Records that opening a ticket implied accepting its SLA version (when the customer had not accepted it). */
  acceptances: SlaAcceptances;
  /** The calendar and policy versions a ticket runs under (desk/pinned-terms.ts). */
  pinnedTerms: PinnedTermsLookup;
  /** Seconds each step of a creation took (the API's /metrics). */
  observeStep?: (step: IntakeStep, seconds: number) => void;
}

function requestHash(body: OpenTicketInput, customerId: string): string {
  const canonical = JSON.stringify(
    Object.keys(body)
      .sort()
      .map((k) => [k, body[k as keyof OpenTicketInput]]),
  );
  return createHash('sha256').update(`${customerId}\n${canonical}`).digest('hex');
}

/** What a channel may add to a ticket's opening besides its fields. */
export interface OpenTicketOptions {
  /** Files already checked by the attachment policy (desk/attachments.ts), kept with the ticket. */
  files?: CheckedFile[];
  /** The sender has not proven the address (web form, existing customer): agents see a mark until the mailed link is opened. */
  unverified?: boolean;
  /** The web form showed the ticket's private link to whoever typed the address (so opening it proves nothing). */
  linkShown?: boolean;
}

export interface CreatedTicket {
  ticket: TicketContent;
  /** The customer's own view of it when they opened it themself (desk/customer-view.ts). */
  sla: TicketSnapshot | CustomerSnapshot;
  replayed: boolean;
}

/**
 * How long intake waits for the workflow service. A gRPC call without a deadline can wait for ever on a server that
 * took it and went quiet; past this the request answers 503 and the client's keyed retry meets whatever the first
 * attempt started.
 */
const TEMPORAL_CALL_MS = 20_000;

function isUnavailable(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  // isStoreUnavailable also knows the pool-cleared and mongoose buffering errors a database outage produces (issue 7).
  return (
    isStoreUnavailable(err) ||
    /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|ServiceError|ConnectionError/.test(name)
  );
}

export function createTicketService(deps: TicketServiceDeps) {
  const { temporal, store } = deps;
  const withinCallBudget = <T>(call: () => Promise<T>) => temporal.withDeadline(Date.now() + TEMPORAL_CALL_MS, call);
  const reads = createSlaReads(deps);

  async function timed<T>(step: IntakeStep, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      deps.observeStep?.(step, (performance.now() - started) / 1000);
    }
  }

  /** The organization the customer's address would join once proven (their acknowledgement says so), if any. */
  async function pendingOf(c: { id: string; email: string; organizationId?: string }) {
    if (c.organizationId) return undefined;
    const org = await store.organizations.byDomain(c.email.slice(c.email.lastIndexOf('@') + 1));
    const user = org ? await store.users.byId(c.id) : null;
    const pending = user ? await pendingOrganization(store, user) : null;
    return pending ? { id: pending.id, name: pending.name } : undefined;
  }

  async function resolveCustomer(caller: Principal, body: OpenTicketInput) {
    if (caller.role === 'customer') {
      if (body.customerEmail && canonicalOrNull(body.customerEmail) !== caller.email) {
        throw forbiddenError('customers open tickets for themselves; leave customerEmail out', 'customerEmail');
      }
      return {
        id: caller.id,
        email: caller.email,
        name: caller.name,
        trainingIncluded: caller.trainingIncluded,
        organizationId: caller.organizationId,
        pendingOrganization: await pendingOf(caller),
      };
    }
    if (!body.customerEmail)
      throw invalidInput('required when an agent or admin opens a ticket on behalf of a customer', 'customerEmail');
    const user = await ensureCustomer(store, body.customerEmail, body.customerName, deps.now());
    if (user.role !== 'customer')
      throw invalidInput(`${body.customerEmail} belongs to an ${user.role}, not a customer`, 'customerEmail');
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      trainingIncluded: user.agreement.trainingIncluded,
      organizationId: user.organizationId,
      pendingOrganization: await pendingOf(user),
    };
  }

  /**
   * A keyed retry of a ticket already started: answered as the first attempt was, from the projection (or, before
   * its first change is written, the same preview at the first attempt's receipt), without asking the workflow.
   */
  async function existing(
    ticketId: string,
    hash: string,
    intake: TicketIntake,
  ): Promise<(CreatedTicket & { sla: TicketSnapshot }) | null> {
    const handle = temporal.workflow.getHandle(workflowIdFor(ticketId));
    let memo: Record<string, unknown> | undefined;
    try {
      memo = (await withinCallBudget(() => handle.describe())).memo;
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') return null;
      throw err;
    }
    if (memo?.requestHash !== hash)
      throw conflictError('this Idempotency-Key was already used with a different request body');
    const ticket = await store.tickets.get(ticketId);
    if (!ticket) throw notFoundError('ticket');
    const sla = (await reads.projected(ticket)) ?? preview({ ...intake, receivedAt: ticket.receivedAt.toISOString() });
    return { ticket, sla, replayed: true };
  }

  /** Ids derive from the ticket, so a replay stores no file twice (and completes a crashed first attempt). */
  async function withFiles(created: CreatedTicket, files: CheckedFile[] = []): Promise<CreatedTicket> {
    if (files.length)
      await deps.attachments.keep(
        created.ticket.id,
        files.map((f, i) => ({ ...f, id: `${created.ticket.id}-f${i}` })),
      );
    return created;
  }

  return {
    async create(
      caller: Principal,
      body: OpenTicketInput,
      idempotencyKey?: string,
      opts: OpenTicketOptions = {},
    ): Promise<CreatedTicket> {
      try {
        const customer = await resolveCustomer(caller, body);
        // The agreement in force at receipt: its calendar, policy, scope and contacts are the ticket's from now on.
        const terms = await deps.termsFor(customer);
        const { policy } = terms;
        const calendar = terms.calendar.spec;
        if (!policy.categories.includes(body.category)) {
          throw invalidInput(`unknown category; use one of: ${policy.categories.join(', ')}`, 'category');
        }
        const { organizationId } = customer;
        const hash = requestHash(body, customer.id);
        // A keyed request's ticket id derives from the key, so a retry meets its first attempt at the start
        // below (already started → replay). Its content write keeps what the first attempt stored ($setOnInsert).
        const ticketId = idempotencyKey ? ticketIdForKey(caller.id, idempotencyKey) : newTicketId();
        const receivedAt = deps.now();
        const intake: TicketIntake = {
          ticketId,
          subject: body.subject,
          category: body.category,
          priority: body.priority as Priority,
          channel: body.channel as Channel,
          customer: {
            id: customer.id,
            email: customer.email,
            name: customer.name,
            trainingIncluded: customer.trainingIncluded,
          },
          receivedAt: receivedAt.toISOString(),
          calendar,
          policy,
          ...(organizationId ? { organizationId } : {}),
          terms: ticketTermsOf(terms),
        };
        const content: TicketContent = {
          id: ticketId,
          subject: body.subject,
          description: body.description,
          errorMessage: body.errorMessage,
          category: body.category,
          priority: body.priority,
          channel: body.channel,
          liveSupportTool: body.liveSupportTool,
          customerId: customer.id,
          ...(organizationId ? { organizationId } : {}),
          customerEmail: customer.email,
          customerName: customer.name,
          receivedAt,
          slaVersion: terms.slaVersion,
          pinned: {
            calendar: { id: terms.calendar.id, version: terms.calendar.version },
            policy: { id: policy.id, version: policy.version },
          },
          ...(opts.unverified ? { unverified: true } : {}),
          ...(opts.linkShown ? { linkShown: true } : {}),
          ...(customer.pendingOrganization ? { pendingOrganization: customer.pendingOrganization } : {}),
          ...(body.refusedFiles?.length ? { refusedFiles: body.refusedFiles } : {}),
        };
        // Every channel's ticket gets its customer's private link (the worker mails it), found by the token's hash.
        await timed('content', () => store.tickets.save(content, deps.links.hashFor(ticketId)));
        // Before the start, so a store that fails here leaves no workflow behind; a replay records nothing twice. An
        // unproven sender (web form, someone else's address) engages nobody: it counts once the mailed link is opened.
        if (!opts.unverified)
          await deps.acceptances.impliedByTicket(customer.id, content.slaVersion, ticketId, receivedAt);
        const first = preview(intake);
        try {
          await timed('start', () =>
            withinCallBudget(() =>
              temporal.workflow.start(ticketWorkflow, {
                workflowId: workflowIdFor(ticketId),
                taskQueue: deps.taskQueue,
                args: [{ intake }],
                workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
                staticSummary: `#${ticketId} ${body.subject}`.slice(0, 200),
                memo: { requestHash: hash },
                typedSearchAttributes: [
                  { key: sa.TicketStatus, value: 'new' },
                  { key: sa.TicketPriority, value: body.priority },
                  { key: sa.TicketCategory, value: body.category },
                  { key: sa.CustomerId, value: customer.id },
                  { key: sa.EscalationLevel, value: 'L1' },
                  { key: sa.SlaState, value: 'ok' },
                  ...(first.nextDeadline ? [{ key: sa.NextDeadline, value: new Date(first.nextDeadline) }] : []),
                ],
              }),
            ),
          );
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) {
            const replay = await existing(ticketId, hash, intake);
            if (replay) return await withFiles({ ...replay, sla: snapshotFor(caller, replay.sla) }, opts.files);
          }
          throw err;
        }
        return await withFiles({ ticket: content, sla: snapshotFor(caller, first), replayed: false }, opts.files);
      } catch (err) {
        if (isUnavailable(err))
          throw unavailableError(
            'the ticket store or workflow service is unavailable; nothing was created, retry shortly',
          );
        throw err;
      }
    },

    list: store.ticketStates.list,

    /** The calendar and policy a ticket runs under (its own, not the default in force): for its times, categories and ladder. */
    termsOf: deps.pinnedTerms.ofTicket,

    /** The whole ticket, for agents and admins (the console). */
    getAsStaff(caller: Principal, ticketId: string) {
      if (caller.role === 'customer') throw forbiddenError("customers read their tickets through the customer's view");
      return read(caller, ticketId);
    },

    /** The ticket as the caller may see it: a customer's own, through the customer's view (desk/customer-view.ts). */
    async get(caller: Principal, ticketId: string) {
      const { ticket, sla, thread, slaAcceptance } = await read(caller, ticketId);
      return { ticket: ticketFor(caller, ticket), sla: sla && snapshotFor(caller, sla), thread, slaAcceptance };
    },
  };

  /** Content from the store, the SLA state from the projection (desk/ticket-sla-reads.ts). */
  async function read(caller: Principal, ticketId: string) {
    const ticket = await store.tickets.get(ticketId);
    if (!ticket || (caller.role === 'customer' && ticket.customerId !== caller.id)) throw notFoundError('ticket');
    const [messages, sla, acceptance] = await Promise.all([
      store.messages.forTicket(ticketId, { includeInternal: caller.role !== 'customer' }),
      reads.current(ticket),
      deps.acceptances.forTicket(ticket),
    ]);
    const thread = threadFor(caller, messages);
    const slaAcceptance = acceptance
      ? {
          via: acceptance.via,
          at: acceptance.acceptedAt,
          ...(acceptance.ticketId ? { ticketId: acceptance.ticketId } : {}),
        }
      : null;
    return { ticket, sla, thread, slaAcceptance };
  }
}

/** What a ticket's workflow answers before anything happened to it: its state at receipt. */
function preview(intake: TicketIntake): TicketSnapshot {
  const cal = createCalendar(intake.calendar);
  return snapshot(receive(intake, cal).state, new Date(intake.receivedAt), cal);
}

export type TicketService = ReturnType<typeof createTicketService>;
