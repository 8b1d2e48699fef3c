import { ApplicationFailure } from '@temporalio/common';
import { versionsAfterRetime } from '../domain/agreement';
import type { Logger } from '../lib/logger';
import type { Mailer } from '../lib/mailer';
import type { TicketLinks } from '../desk/ticket-links';
import { notificationMessageId, replyTag } from '../lib/reply-token';
import type { Store } from '../store';
import { CLAIM_LEASE_MS } from '../store/notifications';
import type { SlaEventRecord, TicketStateProjection } from '../domain/entities';
import { isLocalActivity, withHeartbeat } from './heartbeat';
import { escapeHtml, renderMail, type NotificationKind, type TemplateFacts } from './mail-templates';

/** Who hears about each escalation level, and the domain for Message-IDs. */
export interface ContactBook {
  levels: Record<string, string[]>;
  mailDomain: string;
}

export interface TicketActivityDeps {
  store: Store;
  mailer: Mailer;
  contacts: ContactBook;
  publicUrl: string;
  /** Customers' private links and staff's console addresses, minted as the API checks them. */
  links: TicketLinks;
  /** Mints each recipient's reply token (the API's inbound mail checks it). */
  replySecret: string;
  now: () => Date;
  logger: Logger;
}

export type Audience =
  | { kind: 'customer'; email: string }
  | { kind: 'level'; level: string }
  | { kind: 'emails'; emails: string[] }
  /** One agent by user id; the address is read from the store when the mail goes out. `by`: whose action it is about. */
  | { kind: 'agent'; agent: string; by?: string }
  /** The admins of an organization (customers with `organizationRole: admin`), read when the mail goes out. */
  | { kind: 'organization'; organizationId: string };

export interface NotifyInput {
  /** Idempotency key: (ticket, kind, metric, level, cycle). The same key never mails twice. */
  key: string;
  ticketId: string;
  kind: NotificationKind;
  audience: Audience;
  facts: Omit<TemplateFacts, 'ticketUrl' | 'ticketId'>;
  /** Files the customer sent that were not kept: the acknowledgement says which and why. */
  refusedFiles?: { filename: string; reason: string }[];
  /** The thread message a notice is about: the assignee's notice of a customer's message quotes it. */
  messageId?: string;
}

export type NotificationOutcome =
  { key: string; outcome: 'sent' | 'already-sent' | 'own-action' } | { key: string; outcome: 'failed'; error: string };

export type ProjectionInput = Omit<
  TicketStateProjection,
  'receivedAt' | 'updatedAt' | 'nextDeadline' | 'scopeReviewDueAt'
> & {
  receivedAt: string;
  updatedAt: string;
  nextDeadline?: string;
  scopeReviewDueAt?: string;
};

export type SlaEventInput = Omit<SlaEventRecord, 'at' | 'dueAt'> & { at: string; dueAt?: string };

export interface TicketChangeInput {
  events: SlaEventInput[];
  projection: ProjectionInput;
  /** Event types the workflow would publish to webhooks; the answer says which of them anyone subscribes to. */
  webhookCandidates: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** How much of a customer's message the assignee's notice quotes. */
const QUOTE_MAX = 2_000;

/**
 * RFC 3834: an agent's reply is a person's mail and carries no Auto-Submitted (or the customer's own
 * helpdesk and filters would drop it); the acknowledgement answers the customer's mail (auto-replied);
 * every other notice is auto-generated. All ask Exchange and Outlook (X-Auto-Response-Suppress, which
 * they honour) for no out-of-office or rule replies, while keeping delivery and non-delivery reports.
 */
export function automationHeaders(kind: NotificationKind): Record<string, string> {
  const suppress = { 'X-Auto-Response-Suppress': 'OOF, AutoReply' };
  if (kind === 'agent_reply') return suppress;
  return { 'Auto-Submitted': kind === 'acknowledgement' ? 'auto-replied' : 'auto-generated', ...suppress };
}

/** The files not accepted, appended to the acknowledgement's text and HTML. */
function withRefusedFiles(
  mail: { text: string; html: string },
  files: { filename: string; reason: string }[] | undefined,
) {
  if (!files?.length) return mail;
  const lines = files.map((f) => `- ${f.filename}: ${f.reason}`);
  return {
    text: `${mail.text}\nThese files were not accepted:\n${lines.join('\n')}\n`,
    html: mail.html.replace(
      '</body>',
      `<p>These files were not accepted:</p><ul>${files.map((f) => `<li>${escapeHtml(f.filename)}: ${escapeHtml(f.reason)}</li>`).join('')}</ul></body>`,
    ),
  };
}

/**
 * A customer whose address is at an organization's domain but not yet proven is handled as an individual: told so,
 * and how the address joins (desk/customers.ts). The link in this mail went to the address alone.
 */
function withPendingOrganization(mail: { text: string; html: string }, org: { name: string } | undefined) {
  if (!org) return mail;
  const words = [
    `Your address is at the domain of ${org.name}, but we have not yet confirmed that it is yours, so this request is handled under our standard agreement, as an individual customer's, and ${org.name}'s administrators do not see it.`,
    `Open the link to your ticket in this mail (or sign in to the portal with this address) to confirm it: your next requests will then be handled under ${org.name}'s agreement.`,
  ];
  return {
    text: `${mail.text}\n${words.join('\n\n')}\n`,
    html: mail.html.replace('</body>', `${words.map((w) => `<p>${escapeHtml(w)}</p>`).join('')}</body>`),
  };
}

export function createTicketActivities(deps: TicketActivityDeps) {
  const { store, mailer, contacts } = deps;

  async function recipients(audience: Audience): Promise<string[]> {
    switch (audience.kind) {
      case 'customer':
        return [audience.email];
      case 'emails':
        return audience.emails;
      case 'level': {
        const list = contacts.levels[audience.level];
        if (!list?.length) {
          throw ApplicationFailure.nonRetryable(
            `no contacts configured for level ${audience.level}`,
            'UnknownEscalationLevel',
          );
        }
        return list;
      }
      case 'organization': {
        const admins = await store.users.organizationAdmins(audience.organizationId);
        if (!admins.length)
          throw ApplicationFailure.nonRetryable(
            `organization ${audience.organizationId} has no admin to tell`,
            'NoOrganizationContacts',
          );
        return admins.map((u) => u.email);
      }
      case 'agent': {
        // Read now, so an agent's changed address is used; one removed since is bad data, not a passing fault.
        const agent = await store.users.byId(audience.agent);
        if (!agent || agent.role === 'customer')
          throw ApplicationFailure.nonRetryable(`no agent ${audience.agent}`, 'UnknownAgent');
        return [agent.email];
      }
    }
  }

  /** The customer's message an assignee's notice quotes, cut to a readable length, and the files that came with it. */
  async function quotedMessage(input: NotifyInput): Promise<Pick<TemplateFacts, 'body' | 'author' | 'files'>> {
    if (input.kind !== 'customer_reply' || !input.messageId) return {};
    const message = (await store.messages.forTicket(input.ticketId, { includeInternal: false })).find(
      (m) => m.id === input.messageId,
    );
    if (!message) return {};
    const files = (await store.attachments.forTicket(input.ticketId))
      .filter((a) => a.messageId === message.id)
      .map((a) => ({ name: a.filename, size: a.size, url: deps.links.staffFileUrl(input.ticketId, a.id) }));
    return { body: message.body.slice(0, QUOTE_MAX), author: message.authorName, ...(files.length ? { files } : {}) };
  }

  /** A busy store (SQLite under FerretDB answers "locked") gets a few tries; failing them only costs the log entry. */
  async function markSentOrLog(keys: string[]): Promise<void> {
    if (!keys.length) return;
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.notifications.markSent(keys, deps.now());
      } catch (err) {
        if (attempt >= 6) {
          deps.logger.warn({ keys, err }, 'mail sent but not marked sent in the log');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  /** A notice made ready to send: its recipients read and checked, its mail rendered, its Message-ID minted. */
  interface ReadyMail {
    input: NotifyInput;
    to: string[];
    mail: { subject: string; text: string; html: string };
    messageId: string;
  }

  async function prepare(input: NotifyInput): Promise<ReadyMail | 'own-action'> {
    // An agent who assigned the ticket to themself knows: no mail (issue 27).
    if (input.audience.kind === 'agent' && input.audience.by === input.audience.agent) return 'own-action';
    const to = await recipients(input.audience);
    const bad = to.find((a) => !EMAIL.test(a));
    if (bad) throw ApplicationFailure.nonRetryable(`invalid recipient address: ${bad}`, 'InvalidRecipient');
    const rendered = renderMail(input.kind, {
      ...input.facts,
      ...(await quotedMessage(input)),
      forAssignee: input.audience.kind === 'agent',
      ticketId: input.ticketId,
      // A customer opens the ticket through its private link, an organization's admin through the portal, staff
      // through the console.
      ticketUrl:
        input.audience.kind === 'customer'
          ? deps.links.customerUrl(input.ticketId)
          : input.audience.kind === 'organization'
            ? `${deps.links.portalUrl()}/tickets/${encodeURIComponent(input.ticketId)}`
            : deps.links.staffUrl(input.ticketId),
      ...(input.audience.kind === 'customer' ? { portalUrl: deps.links.portalUrl() } : {}),
      ...(input.audience.kind === 'organization' ? { forOrganization: true, portalUrl: deps.links.portalUrl() } : {}),
      // Every resolution asks for a rating; the link names the ticket only, and the rating page finds which resolution.
      ...(input.audience.kind === 'customer' && input.kind === 'resolution'
        ? { ratingUrl: deps.links.ratingUrl(input.ticketId) }
        : {}),
    });
    // The receipt tells the customer which of their files were not accepted (stored with the ticket), and whether
    // their address still has to be proven to count as their organization's.
    const content = input.kind === 'acknowledgement' ? await store.tickets.get(input.ticketId) : null;
    const refused = input.kind === 'acknowledgement' ? (input.refusedFiles ?? content?.refusedFiles) : undefined;
    const mail = {
      ...rendered,
      ...withPendingOrganization(withRefusedFiles(rendered, refused), content?.pendingOrganization),
    };
    return { input, to, mail, messageId: notificationMessageId(deps.replySecret, input.key, contacts.mailDomain) };
  }

  /** One mail per recipient, each with its own reply token; one recipient alone keeps the logged Message-ID. */
  async function deliver({ input, to, mail, messageId }: ReadyMail): Promise<'sent'> {
    const threadRoot = `<ticket-${input.ticketId}@${contacts.mailDomain}>`;
    for (const [i, recipient] of to.entries()) {
      await mailer.send({
        to: [recipient],
        ...mail,
        messageId: to.length === 1 ? messageId : messageId.replace('@', `.${i + 1}@`),
        inReplyTo: threadRoot,
        references: [threadRoot],
        replyToTag: replyTag(deps.replySecret, input.ticketId, recipient),
        headers: { 'X-Ticket-Id': input.ticketId, 'X-Notification-Kind': input.kind, ...automationHeaders(input.kind) },
      });
    }
    deps.logger.info({ ticketId: input.ticketId, kind: input.kind, key: input.key }, 'notification sent');
    return 'sent';
  }

  const heldFailure = (key: string) =>
    ApplicationFailure.retryable(`an earlier attempt holds ${key}; retrying after its lease`, 'NotificationClaimHeld');

  /**
   * A claim held by an earlier attempt: typically the workflow's local activity, past its budget but still sending
   * to a slow mail server. A regular activity waits for it (checking each second, heartbeating) until it is sent or
   * its lease lapses, so the mail is out as soon as that attempt is done; a local activity cannot wait and fails.
   */
  async function awaitHeldClaim(ready: ReadyMail): Promise<'claimed' | 'sent' | 'held'> {
    if (isLocalActivity()) return 'held';
    const claim = claimOf(ready);
    for (let waited = 0; waited <= CLAIM_LEASE_MS; waited += 1_000) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const outcome = await store.notifications.claim(claim, deps.now());
      if (outcome !== 'held') return outcome;
    }
    return 'held';
  }

  const claimOf = ({ input, to, mail, messageId }: ReadyMail) => ({
    key: input.key,
    ticketId: input.ticketId,
    kind: input.kind,
    to,
    subject: mail.subject,
    messageId,
  });

  /**
   * The notifications of one change in one call (a local activity, workflows/ticket/effects.ts): a
   * breach notice and the escalation it triggers go out together, with one claim and one mark-sent for all
   * (each key keeps its own claim, so a retry skips those already sent). Bad data (an unknown level, an invalid
   * address) fails only its own mail, reported in the answer; anything else fails the activity, after the others
   * had their try and were marked sent, and Temporal retries it.
   */
  async function sendNotifications(inputs: NotifyInput[]): Promise<NotificationOutcome[]> {
    return withHeartbeat(async () => {
      const prepared = await Promise.allSettled(inputs.map(prepare));
      const ready = prepared.flatMap((r) => (r.status === 'fulfilled' && r.value !== 'own-action' ? [r.value] : []));
      const claimed = await store.notifications.claimMany(ready.map(claimOf), deps.now());
      const claims = await Promise.all(claimed.map((c, i) => (c === 'held' ? awaitHeldClaim(ready[i]!) : c)));
      const delivered = await Promise.allSettled(
        ready.map((r, i) =>
          claims[i] === 'claimed'
            ? deliver(r)
            : claims[i] === 'sent'
              ? ('already-sent' as const)
              : Promise.reject(heldFailure(r.input.key)),
        ),
      );
      // The mail is out: from here nothing may fail the call for it, or Temporal's retry would send it again.
      await markSentOrLog(
        ready.filter((_, i) => claims[i] === 'claimed' && delivered[i]!.status === 'fulfilled').map((r) => r.input.key),
      );
      const byKey = new Map(ready.map((r, i) => [r.input.key, delivered[i]!]));
      const settled = prepared.map((r, i): PromiseSettledResult<NotificationOutcome['outcome']> => {
        if (r.status === 'rejected') return r;
        if (r.value === 'own-action') return { status: 'fulfilled', value: 'own-action' };
        return byKey.get(inputs[i]!.key)!;
      });
      const transient = settled.find(
        (r) => r.status === 'rejected' && !(r.reason instanceof ApplicationFailure && r.reason.nonRetryable),
      );
      if (transient) throw (transient as PromiseRejectedResult).reason;
      return settled.map((r, i) =>
        r.status === 'fulfilled'
          ? { key: inputs[i]!.key, outcome: r.value as 'sent' | 'already-sent' | 'own-action' }
          : { key: inputs[i]!.key, outcome: 'failed' as const, error: String((r.reason as Error).message) },
      );
    });
  }

  async function projectTicketState(p: ProjectionInput): Promise<'applied' | 'stale'> {
    return store.ticketStates.upsert({
      ...p,
      receivedAt: new Date(p.receivedAt),
      updatedAt: new Date(p.updatedAt),
      nextDeadline: p.nextDeadline ? new Date(p.nextDeadline) : undefined,
      scopeReviewDueAt: p.scopeReviewDueAt ? new Date(p.scopeReviewDueAt) : undefined,
    });
  }

  async function recordSlaEvents(events: SlaEventInput[]): Promise<void> {
    await store.slaEvents.append(
      events.map((e) => ({ ...e, at: new Date(e.at), dueAt: e.dueAt ? new Date(e.dueAt) : undefined })),
    );
    // A re-timing's versions go on the ticket too, so lists show its times in its new calendar without asking the workflow.
    for (const e of events) {
      const moved = e.type === 'retimed' && e.detail ? versionsAfterRetime(e.detail) : null;
      if (moved) await store.tickets.repin(e.ticketId, moved, new Date(e.at));
    }
  }

  /** The timeline, the projection and the subscribers' lookup go out together: one round trip's wait, not three. */
  async function recordTicketChange(input: TicketChangeInput): Promise<{ subscribed: string[] }> {
    const types = [...new Set(input.webhookCandidates)];
    const [listened] = await Promise.all([
      Promise.all(types.map(async (type) => (await store.webhooks.subscribedTo(type)).length > 0)),
      recordSlaEvents(input.events),
      projectTicketState(input.projection),
    ]);
    return { subscribed: types.filter((_, i) => listened[i]) };
  }

  return {
    sendNotifications,

    /**
     * One state change in one call (run as a local activity): the timeline events, the projection, and which
     * webhook event types have subscribers, so the workflow schedules deliveries only when someone listens.
     */
    recordTicketChange,

    /**
     * A change that mails, in one call: the mail and the record side by side (a breach notice waits for no store
     * write), the record written even when a mail failed, so a mail server that is down never holds back the
     * timeline or the lists. A transient failure of either fails the call: its retry skips the mails already sent
     * (their claims) and rewrites the same record (idempotent). One local activity instead of two per deadline.
     */
    async applyTicketChange(input: {
      notices: NotifyInput[];
      change: TicketChangeInput;
    }): Promise<{ outcomes: NotificationOutcome[]; subscribed: string[] }> {
      const [mailed, recorded] = await Promise.allSettled([
        sendNotifications(input.notices),
        recordTicketChange(input.change),
      ]);
      if (mailed.status === 'rejected') throw mailed.reason;
      if (recorded.status === 'rejected') throw recorded.reason;
      return { outcomes: mailed.value, subscribed: recorded.value.subscribed };
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;
