import type { CalendarSpec } from '../domain/calendar';
import { createCalendar } from '../domain/calendar';
import { notFoundError } from '../domain/errors';
import type { SlaPolicy } from '../domain/policy';
import { termsChanges, withEffectiveDate, type PromisedTerms } from '../domain/terms-diff';
import type { Logger } from '../lib/logger';
import { textToHtml } from '../lib/mail-html';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';
import type { Organization } from '../store/organizations';
import type { RevisionGroup, RevisionNotice, RevisionRecord } from '../store/revision-notices';
import type { AgreementTerms, Agreements } from './agreements';
import type { SlaAcceptances } from './sla-acceptance';
import type { SettingsKind, SlaRegistry } from './sla-registry';
import type { TicketLinks } from './ticket-links';

/**
 * Revision notices: when an admin revises what customers were promised (the default calendar or policy, a named one
 * an organization's agreement follows, or an organization's agreement), each affected customer is told once, in
 * words, by mail and on the portal, with the new version to read and accept. The revision is recorded with its
 * changes per group of customers before any notice goes out, and the notices are sent from that record; a restart
 * resumes the ones not yet sent (`resume`), and no customer is told twice (their notice and their mail's claim are
 * kept). Tickets keep the terms they were pinned to.
 */

export type { RevisionNotice, RevisionRecord };

/** Tries at sending a revision's notices before the next start resumes them, a minute apart. */
const RETRIES = 5;
const RETRY_MS = 60_000;

/** The local date an instant falls on in a calendar's zone, as the notice states it ("from 2027-01-04"). */
const localDate = (spec: CalendarSpec, at: Date) =>
  /\d{4}-\d{2}-\d{2}/.exec(createCalendar(spec).formatLocal(at, 'down'))![0];

/** What a set of terms promised a customer, as domain/terms-diff.ts compares it. */
const promised = (t: AgreementTerms): PromisedTerms => ({
  policy: t.policy,
  calendar: t.calendar.spec,
  scope: t.scope,
});

export function createRevisionNotices(deps: {
  store: Store;
  agreements: Agreements;
  registry: SlaRegistry;
  acceptances: SlaAcceptances;
  links: TicketLinks;
  now: () => Date;
  mailer?: Mailer;
  mailDomain?: string;
  logger: Logger;
}) {
  const { store, agreements, registry } = deps;
  const domain = deps.mailDomain ?? 'support.local';

  /** The calendar a group's dates are read in: its organization's, or the default. */
  async function groupCalendar(organizationId: string | null): Promise<CalendarSpec> {
    const org = organizationId ? await store.organizations.get(organizationId) : null;
    return org ? (await agreements.organizationTerms(org)).calendar.spec : registry.current().calendar;
  }

  function noticeMail(lines: string[], date: string) {
    const paragraphs = [
      `We have revised the terms of our support service that apply to you. What changes:`,
      lines.map((l) => `- ${l}`).join('\n'),
      `Tickets you opened before keep the terms they were opened under; those you open from ${date} follow the new ones.`,
      `Read the new version and accept it in our customer portal: ${deps.links.portalUrl()}/revisions`,
      `You receive this notice as a customer of our support service.`,
    ];
    return {
      subject: `Changes to your service level agreement from ${date}`,
      text: `${paragraphs.join('\n\n')}\n`,
      html: `<!doctype html><html><body>${textToHtml(paragraphs)}</body></html>`,
    };
  }

  /** Each affected customer's notice, recorded and mailed once; stops at the first failure (resumed later). */
  async function send(rev: RevisionRecord): Promise<void> {
    for (const group of rev.groups) {
      const date = localDate(await groupCalendar(group.organizationId), rev.effectiveFrom);
      const lines = withEffectiveDate(group.lines, date);
      for (const customer of await store.revisionNotices.customersOf(group.organizationId)) {
        await store.revisionNotices.record({
          revisionId: rev.id,
          customerId: customer.id,
          lines,
          effectiveFrom: rev.effectiveFrom,
          createdAt: deps.now(),
        });
        if (!deps.mailer) continue;
        const mail = noticeMail(lines, date);
        const key = `revision:${rev.id}:${customer.id}`;
        const messageId = `<revision-${rev.id.replace(/[^A-Za-z0-9-]/g, '-')}-${customer.id}@${domain}>`;
        const claim = await store.notifications.claim(
          { key, kind: 'sla_revision', to: [customer.email], subject: mail.subject, messageId },
          deps.now(),
        );
        if (claim !== 'claimed') continue;
        await deps.mailer.send({
          to: [customer.email],
          ...mail,
          messageId,
          headers: { 'X-Notification-Kind': 'sla_revision', 'Auto-Submitted': 'auto-generated' },
        });
        await store.notifications.markSent([key], deps.now());
      }
    }
    await store.revisions.markAnnounced(rev.id);
    deps.logger.info({ revision: rev.id }, 'revision notices sent');
  }

  /**
   * Sends in the background (an admin's save does not wait for every customer's mail); a failure (the mail server
   * down) tries again a minute later, a few times, and the next start resumes whatever is still pending.
   */
  const sendLater = (rev: RevisionRecord, attempt = 1): void =>
    void send(rev).catch((err: unknown) => {
      deps.logger.error({ err, revision: rev.id, attempt }, 'revision notices stopped');
      if (attempt < RETRIES) setTimeout(() => sendLater(rev, attempt + 1), RETRY_MS).unref();
    });

  /** Records the revision (when it changes anything promised) and starts its notices; null when it changes nothing. */
  async function announce(
    rev: Omit<RevisionRecord, 'announcement' | 'groups' | 'createdAt'>,
    groups: RevisionGroup[],
  ): Promise<RevisionRecord | null> {
    const changed = groups.filter((g) => g.lines.length);
    // A revision stored now that promises nothing new needs no record; one scheduled for later must be kept, or it
    // would never be stored (a change of reminders or level clocks, or of terms no customer follows yet).
    if (!changed.length && rev.schedule !== 'scheduled') return null;
    const record: RevisionRecord = {
      ...rev,
      groups: changed,
      announcement: changed.length ? 'pending' : 'done',
      createdAt: deps.now(),
    };
    await store.revisions.create(record);
    if (changed.length) sendLater(record);
    return record;
  }

  /** Who a calendar's or policy's revision concerns: the organizations whose agreement follows it, and for `default`, customers without one. */
  async function groupsOf(kind: SettingsKind, name: string, lines: string[]): Promise<RevisionGroup[]> {
    const orgs = await store.organizations.using(kind, name);
    return [
      ...(name === 'default' ? [{ organizationId: null, lines }] : []),
      ...orgs.map((o) => ({ organizationId: o.id, lines })),
    ];
  }

  return {
    announce,

    /** A calendar's or policy's revision: `before` and `after` its bodies. */
    async settingsRevised(r: {
      kind: SettingsKind;
      name: string;
      version?: number;
      before: CalendarSpec | SlaPolicy;
      after: CalendarSpec | SlaPolicy;
      effectiveFrom: Date;
      actor: string;
      id?: string;
      body?: unknown;
    }): Promise<RevisionRecord | null> {
      const lines =
        r.kind === 'calendar'
          ? termsChanges({ calendar: r.before as CalendarSpec }, { calendar: r.after as CalendarSpec })
          : termsChanges({ policy: r.before as SlaPolicy }, { policy: r.after as SlaPolicy });
      return announce(
        {
          id: r.id ?? `${r.kind}:${r.name}:${r.version}`,
          kind: r.kind,
          name: r.name,
          ...(r.version !== undefined ? { version: r.version } : {}),
          effectiveFrom: r.effectiveFrom,
          actor: r.actor,
          ...(r.body !== undefined ? { body: r.body, schedule: 'scheduled' as const } : {}),
        },
        await groupsOf(r.kind, r.name, lines),
      );
    },

    /**
     * An organization's new agreement version: its customers are told what changed for them. `scheduled`: one that
     * applies later (its id and the agreement to store then).
     */
    async agreementRevised(
      before: Organization,
      after: Organization,
      actor: string,
      scheduled?: { id: string; body: unknown },
    ): Promise<RevisionRecord | null> {
      const [was, is] = await Promise.all([agreements.organizationTerms(before), agreements.organizationTerms(after)]);
      return announce(
        {
          id: scheduled?.id ?? `agreement:${after.id}:${after.version}`,
          kind: 'agreement',
          name: after.id,
          ...(scheduled ? { body: scheduled.body, schedule: 'scheduled' as const } : { version: after.version }),
          effectiveFrom: after.updatedAt,
          actor,
        },
        [{ organizationId: after.id, lines: termsChanges(promised(was), promised(is)) }],
      );
    },

    /** Sends the notices a stop interrupted (the API, at every start). */
    async resume(): Promise<void> {
      for (const rev of await store.revisions.pendingAnnouncements()) sendLater(rev);
    },

    /** A customer's notices, newest first (the portal). */
    forCustomer: (customerId: string) => store.revisionNotices.forCustomer(customerId),

    /**
     * The customer read and accepts the revised terms: the notice is marked, and the acceptance of the version in
     * force recorded as the portal's SLA page records it. 404 for a notice that is not theirs.
     */
    async accept(customer: { id: string; organizationId?: string }, revisionId: string): Promise<void> {
      const mine = (await store.revisionNotices.forCustomer(customer.id)).find((n) => n.revisionId === revisionId);
      if (!mine) throw notFoundError('revision notice');
      const at = deps.now();
      await store.revisionNotices.accept(revisionId, customer.id, at);
      const terms = await agreements.termsFor(customer);
      await deps.acceptances.accept(customer.id, terms.slaVersion, at);
    },
  };
}

export type RevisionNotices = ReturnType<typeof createRevisionNotices>;
