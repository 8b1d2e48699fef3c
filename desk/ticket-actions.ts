import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { forbiddenError, invalidTransition, invalidInput, notFoundError } from '../domain/errors';
import type { Priority } from '../domain/policy';
import { ACTION_FIELDS, ACTION_TEXT, isInternalKind, type MessageKind } from '../domain/thread';
import { pauseRefusal, type TicketSnapshot } from '../domain/ticket-sla';
import { DEFAULT_PAUSE_REASON, pausesOf } from '../domain/policy-pauses';
import type { SlaPolicy } from '../domain/policy';
import type { Store } from '../store';
import type { Logger } from '../lib/logger';
import type { MailDetails, ThreadMessage, TicketContent } from '../domain/entities';
import { isTerminal, type AgentAction, type TicketStatus } from '../domain/ticket';
import {
  agentActionUpdate,
  agentNoteUpdate,
  customerReplyUpdate,
  customerReplyUpdateId,
  type AgentActionArgs,
} from '../workflows/ticket';
import { searchTokens } from '../domain/search';
import { TOKENS_PER_TICKET } from '../store/search-index';
import type { AgentDirectory } from './agents';
import type { AttachmentService, CheckedFile } from './attachments';
import { customerMessage, customerSnapshot, threadFor, timelineFor } from './customer-view';
import type { Principal } from './principal';
import { workflowIdFor } from './tickets';
import { createVendorService } from './vendors';

export interface TicketActionDeps {
  temporal: Client;
  store: Store;
  now: () => Date;
  agents: AgentDirectory;
  attachments: Pick<AttachmentService, 'keep'>;
  logger: Logger;
}

/** A refused update carries the validator's reason as its cause; that reason is what the caller sees. */
function refusalReason(err: unknown): string | null {
  if (err instanceof WorkflowUpdateFailedError) return (err.cause as Error | undefined)?.message ?? err.message;
  return null;
}

function isGone(err: unknown): boolean {
  return (
    err instanceof WorkflowNotFoundError ||
    /workflow execution already completed/i.test(String((err as Error)?.message))
  );
}

export function createTicketActions(deps: TicketActionDeps) {
  const { temporal, store } = deps;
  const vendors = createVendorService({ store, now: deps.now });

  function visible(caller: Principal, ticket: TicketContent | null): TicketContent {
    // Another customer's ticket answers exactly like a missing one: its existence is not revealed.
    if (!ticket || (caller.role === 'customer' && ticket.customerId !== caller.id)) throw notFoundError('ticket');
    return ticket;
  }

  async function visibleTicket(caller: Principal, ticketId: string): Promise<TicketContent> {
    return visible(caller, await store.tickets.get(ticketId));
  }

  async function runUpdate(
    ticketId: string,
    action: AgentAction,
    args: AgentActionArgs,
    updateId?: string,
  ): Promise<TicketSnapshot> {
    try {
      return await temporal.workflow
        .getHandle(workflowIdFor(ticketId))
        .executeUpdate(agentActionUpdate, { args: [action, args], ...(updateId ? { updateId } : {}) });
    } catch (err) {
      const reason = refusalReason(err);
      if (reason) throw invalidTransition(reason);
      if (isGone(err)) throw invalidTransition('the ticket is closed; no further actions are possible');
      throw err;
    }
  }

  /**
   * Public words of the ticket for search; internal notes stay out (a customer's search must not find them).
   * Called after the change is made, so a failure here is logged rather than making the change look refused.
   */
  async function indexWords(ticket: TicketContent, text: string, customerAt?: Date): Promise<void> {
    try {
      await store.search.add(ticket.id, ticket.customerId, searchTokens(text, TOKENS_PER_TICKET), customerAt);
    } catch (err) {
      deps.logger.warn({ err, ticketId: ticket.id }, 'ticket words not indexed');
    }
  }

  /**
   * Assigns to an agent who exists (by user id or email; the workflow keeps the id). The workflow mails them
   * (a local activity after the change, keyed by the version it made), so a crash here loses no mail. A retry
   * under the same Idempotency-Key is the same Temporal update: the same version, no second mail.
   */
  async function assign(
    caller: Principal,
    ticketId: string,
    ref: string | undefined,
    idempotencyKey?: string,
  ): Promise<TicketSnapshot> {
    const agent = await deps.agents.resolve(ref);
    const updateId = idempotencyKey ? `assign:${idempotencyKey}` : undefined;
    return runUpdate(ticketId, 'assign', { agent: agent.id, by: caller.id }, updateId);
  }

  function newMessage(
    caller: Principal,
    ticketId: string,
    m: { body: string; kind: MessageKind; channel?: string; id?: string },
  ): ThreadMessage {
    return {
      id: m.id ?? `M${randomBytes(8).toString('hex')}`,
      ticketId,
      authorId: caller.id,
      authorRole: caller.role,
      authorName: caller.name,
      body: m.body,
      kind: m.kind,
      internal: isInternalKind(m.kind),
      channel: m.channel ?? 'api',
      createdAt: deps.now(),
    };
  }

  /** The message goes in first so the thread never misses what was mailed; a refused update takes it out again. */
  async function withMessage<T>(message: ThreadMessage, update: () => Promise<T>): Promise<T> {
    await store.messages.add(message);
    try {
      return await update();
    } catch (err) {
      await store.messages.remove(message.id);
      throw err;
    }
  }

  type ActionInput = {
    agent?: string;
    priority?: Priority;
    reason?: string;
    body?: string;
    category?: string;
    channel?: string;
    waitingOn?: string;
    vendor?: string;
  };

  /** The policy version the ticket runs under (its projection, else its pinned terms), or null when unknown. */
  async function pinnedPolicy(ticket: TicketContent): Promise<SlaPolicy | null> {
    const ref = (await store.ticketStates.get(ticket.id))?.policy ?? ticket.pinned?.policy;
    const stored = ref ? await store.slaVersions.get<SlaPolicy>('policy', ref.id, ref.version) : null;
    return stored?.body ?? null;
  }

  /** A reclassification names a category of the policy the ticket runs under (400 otherwise, before the workflow is asked). */
  async function checkCategory(ticket: TicketContent, category: string | undefined): Promise<void> {
    if (!category) throw invalidInput('give the new category', 'category');
    const policy = await pinnedPolicy(ticket);
    if (policy && !policy.categories.includes(category)) {
      throw invalidInput(`unknown category; use one of: ${policy.categories.join(', ')}`, 'category');
    }
  }

  /**
   * A customer's message reaches the workflow as an update under an id made from the message's, so a redelivery
   * (the same mail, a retried release) counts once. A ticket that takes no more messages refuses it: known from the
   * projection before anything is written, and refused by the workflow's validator (or by Temporal, the run having
   * finished) when it closed meanwhile; what was written for it is then taken out again.
   */
  async function customerReply(ticket: TicketContent, message: ThreadMessage, files: CheckedFile[] = []) {
    const closed = () => invalidTransition('the ticket is closed; please open a new ticket');
    const row = await store.ticketStates.get(ticket.id);
    if (row && isTerminal(row.status as TicketStatus)) throw closed();
    // Files first: over the ticket's quota the reply fails whole (413) before anything is written.
    if (files.length) await deps.attachments.keep(ticket.id, files, { messageId: message.id });
    const added = await store.messages.add(message);
    try {
      return await temporal.workflow.getHandle(workflowIdFor(ticket.id)).executeUpdate(customerReplyUpdate, {
        args: [{ messageId: message.id }],
        updateId: customerReplyUpdateId(message.id),
      });
    } catch (err) {
      const refused = refusalReason(err) !== null || isGone(err);
      // A message stored by an earlier delivery stays: that delivery may have been counted.
      if (refused && added) {
        await store.messages.remove(message.id);
        if (files.length) await store.attachments.removeOfMessage(ticket.id, message.id);
      }
      if (refused) throw closed();
      throw err;
    }
  }

  /**
   * `pending` waits on a reason of the ticket's own policy (400 naming the field otherwise, before the workflow is
   * asked); answers whether the reason tells the customer, which decides whether its text is theirs to read.
   */
  async function checkPause(ticket: TicketContent, input: { waitingOn?: string; vendor?: string }): Promise<boolean> {
    const policy = await pinnedPolicy(ticket);
    if (!policy) return true;
    const why = pauseRefusal({ policy }, input);
    if (why) throw invalidInput(why, why.startsWith('vendor') ? 'vendor' : 'waitingOn');
    return pausesOf(policy)[input.waitingOn ?? DEFAULT_PAUSE_REASON]!.tellCustomer;
  }

  /**
   * A note counts as the ticket's level acting on it: while a level clock runs (as the ticket's row has it), the
   * workflow hears of the note, once per note. The note is kept whatever the workflow answers.
   */
  async function noteToLevelClock(ticketId: string, messageId: string): Promise<void> {
    const clocks = (await store.ticketStates.get(ticketId))?.clocks;
    const running =
      Array.isArray(clocks) &&
      clocks.some((c: { metric?: string; stopped?: boolean }) => c.metric === 'level' && !c.stopped);
    if (!running) return;
    try {
      await temporal.workflow
        .getHandle(workflowIdFor(ticketId))
        .executeUpdate(agentNoteUpdate, { args: [{ messageId }], updateId: `agent-note:${messageId}` });
    } catch (err) {
      deps.logger.warn({ err, ticketId }, 'note not counted on the level clock');
    }
  }

  return {
    visibleTicket,
    indexWords,

    /** An agent's action. The text it carries (a reply, a resolution note, a reason) lands in the thread with its kind. */
    async act(caller: Principal, ticketId: string, action: AgentAction, input: ActionInput, idempotencyKey?: string) {
      for (const field of ['agent', 'priority', 'reason', 'body', 'category', 'waitingOn', 'vendor'] as const) {
        if (input[field] !== undefined && !ACTION_FIELDS[action].includes(field)) {
          const takes = ACTION_FIELDS[action];
          throw invalidInput(
            `${action} does not take ${field}; it takes ${takes.length ? takes.join(', ') : 'no fields'}`,
            field,
          );
        }
      }
      const ticket = await visibleTicket(caller, ticketId);
      if (action === 'assign') return assign(caller, ticketId, input.agent, idempotencyKey);
      if (action === 'priority' && !input.priority) throw invalidInput('give the new priority', 'priority');
      if (action === 'reclassify') await checkCategory(ticket, input.category);
      const tellsCustomer = action === 'pending' ? await checkPause(ticket, input) : true;
      const args = {
        agent: caller.name,
        priority: input.priority,
        reason: input.reason,
        body: input.body,
        ...(input.category ? { category: input.category } : {}),
        ...(input.waitingOn ? { waitingOn: input.waitingOn } : {}),
        ...(input.vendor ? { vendor: input.vendor, vendorTerms: await vendors.termsOf(input.vendor) } : {}),
      };
      const text = ACTION_TEXT[action];
      const typed = text && input[text.field];
      if (!text || !typed) return runUpdate(ticketId, action, args);
      // A pause the customer is not told of (a third party's, say) keeps its reason among agents.
      const kind: MessageKind = tellsCustomer ? text.kind : 'internal_note';
      const message = newMessage(caller, ticketId, { body: typed, kind, channel: input.channel });
      const sla = await withMessage(message, () => runUpdate(ticketId, action, { ...args, messageId: message.id }));
      if (!isInternalKind(kind)) await indexWords(await visibleTicket(caller, ticketId), typed);
      return sla;
    },

    /**
     * Adds to the thread. A customer's message and an agent's public reply are updates of the workflow (a refused
     * one is rolled back); an internal note never reaches the customer or the SLA.
     * `id` makes a retried delivery (e.g. the same inbound mail) add the message once.
     */
    /** `files`: a customer's, checked by the caller (desk/attachments.ts checkFiles), kept with the message or not at all. */
    async addMessage(
      caller: Principal,
      ticketId: string,
      input: {
        body: string;
        internal?: boolean;
        channel?: string;
        id?: string;
        mail?: MailDetails;
        files?: CheckedFile[];
      },
    ) {
      const ticket = await visibleTicket(caller, ticketId);
      if (caller.role === 'customer' && input.internal)
        throw forbiddenError('customers cannot write internal notes', 'internal');
      if (caller.role !== 'customer' && input.files?.length)
        throw invalidInput('staff attach files through the attachments API', 'files');
      const kind: MessageKind = caller.role === 'customer' ? 'message' : input.internal ? 'internal_note' : 'reply';
      const message = {
        ...newMessage(caller, ticket.id, { body: input.body, kind, channel: input.channel, id: input.id }),
        ...(input.mail ? { mail: input.mail } : {}),
      };
      if (caller.role === 'customer') {
        const sla = await customerReply(ticket, message, input.files);
        await indexWords(ticket, message.body, message.createdAt);
        // The workflow mails the assignee of this message (keyed by its id, so a repeated delivery mails once).
        return { message: customerMessage(message), sla: customerSnapshot(sla) };
      }
      if (message.internal) {
        await store.messages.add(message);
        await noteToLevelClock(ticket.id, message.id);
        return { message, sla: null };
      }
      const sla = await withMessage(message, () =>
        runUpdate(ticket.id, 'reply', { agent: caller.name, body: message.body, messageId: message.id }),
      );
      await indexWords(ticket, message.body);
      return { message, sla };
    },

    async timeline(caller: Principal, ticketId: string) {
      const ticket = await visibleTicket(caller, ticketId);
      return timelineFor(caller, await store.slaEvents.forTicket(ticket.id));
    },

    /** The same, of a ticket the caller has just read (a page that holds it already): no second read of it. */
    async timelineOf(caller: Principal, ticket: TicketContent) {
      return timelineFor(caller, await store.slaEvents.forTicket(visible(caller, ticket).id));
    },

    /** Every message and typed text in order, each with its kind; a customer sees only what was meant for them. */
    async thread(caller: Principal, ticketId: string) {
      const ticket = await visibleTicket(caller, ticketId);
      return threadFor(
        caller,
        await store.messages.forTicket(ticket.id, { includeInternal: caller.role !== 'customer' }),
      );
    },
  };
}

export type TicketActions = ReturnType<typeof createTicketActions>;
