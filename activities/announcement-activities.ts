import { ApplicationFailure } from '@temporalio/common';
import { createCalendar, formatUtcMinute, type BusinessCalendar, type CalendarSpec } from '../domain/calendar';
import { microcache } from '../store/microcache';
import type { CustomerAddress } from '../store/announcements';
import type { BroadcastProgress } from '../domain/entities';
import { renderAnnouncement } from './mail-templates';
import type { TicketActivityDeps } from './ticket-activities';

export type { BroadcastProgress, CustomerAddress };

/** What the broadcast workflow carries about its announcement (rendered once, at posting). */
export interface AnnouncementContent {
  id: string;
  kind: 'update' | 'maintenance';
  title: string;
  body: string;
  /** The window in the default calendar's zone and in UTC, e.g. "Sun 2026-03-01 23:00 EST – …" (posted before `window`). */
  windowText?: string;
  /** The window's instants: each recipient reads it in the zone of their own agreement's calendar. */
  window?: { from: string; to: string };
}

/** "Sun 2026-03-01 23:00 EST – Mon 2026-03-02 01:00 EST (04:00–06:00 UTC)", in the calendar's zone. */
export function windowTextIn(cal: BusinessCalendar, w: { from: Date; to: Date }): string {
  return `${cal.formatLocal(w.from)} – ${cal.formatLocal(w.to)} (${formatUtcMinute(w.from)} – ${formatUtcMinute(w.to)})`;
}

export interface CustomerPage {
  customers: CustomerAddress[];
  /** Where the next page starts (the last id of this one), or null after the last page. */
  next: string | null;
}

export const announcementKey = (announcementId: string, customerId: string) =>
  `announcement:${announcementId}:${customerId}`;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The broadcast's side effects. Same dependencies as the ticket activities (store, mailer, contacts). */
export function createAnnouncementActivities(deps: TicketActivityDeps) {
  const { store, mailer } = deps;

  /** The calendar a customer's agreement names (their organization's, else the default), read again after a minute. */
  const calendarOf = microcache(async (organizationId: string | null): Promise<BusinessCalendar | null> => {
    const org = organizationId ? await store.organizations.get(organizationId) : null;
    const named = await store.slaVersions.latest<CalendarSpec>('calendar', org?.agreement.calendar ?? 'default');
    const spec = named ?? (await store.slaVersions.latest<CalendarSpec>('calendar', 'default'));
    return spec ? createCalendar(spec.body) : null;
  }, 60_000);

  /** The window as this recipient reads it; an announcement posted before windows carried instants keeps its text. */
  async function windowFor(a: AnnouncementContent, customer: CustomerAddress): Promise<string | undefined> {
    if (!a.window) return a.windowText;
    const cal = await calendarOf(customer.organizationId ?? null);
    const w = { from: new Date(a.window.from), to: new Date(a.window.to) };
    return cal ? windowTextIn(cal, w) : a.windowText;
  }

  return {
    async countCustomers(): Promise<number> {
      return store.announcements.countCustomers();
    },

    async listCustomerPage(cursor: string | null, pageSize: number): Promise<CustomerPage> {
      const customers = await store.announcements.customerPage(cursor, pageSize);
      return { customers, next: customers.length === pageSize ? customers.at(-1)!.id : null };
    },

    /**
     * One customer's mail. The claim on `announcement:<id>:<customerId>` makes it exactly once: a
     * retry, or a batch re-run after a worker crash, finds the key sent and mails nothing.
     */
    async sendAnnouncement(input: {
      announcement: AnnouncementContent;
      customer: CustomerAddress;
    }): Promise<'sent' | 'already-sent'> {
      const { announcement: a, customer } = input;
      if (!EMAIL.test(customer.email))
        throw ApplicationFailure.nonRetryable(`invalid recipient address: ${customer.email}`, 'InvalidRecipient');
      const key = announcementKey(a.id, customer.id);
      const mail = renderAnnouncement({
        ...a,
        windowText: await windowFor(a, customer),
        deskUrl: deps.publicUrl,
        announcementsUrl: deps.links.portalAnnouncementsUrl(),
      });
      const messageId = `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@${deps.contacts.mailDomain}>`;
      const claimed = await store.notifications.claim(
        { key, kind: 'announcement', to: [customer.email], subject: mail.subject, messageId },
        deps.now(),
      );
      if (claimed === 'sent') return 'already-sent';
      if (claimed === 'held')
        throw ApplicationFailure.retryable(
          `an earlier attempt holds ${key}; retrying after its lease`,
          'NotificationClaimHeld',
        );
      // Precedence: bulk asks autoresponders not to answer a broadcast.
      await mailer.send({
        to: [customer.email],
        ...mail,
        messageId,
        headers: { 'X-Announcement-Id': a.id, Precedence: 'bulk' },
      });
      await store.notifications.markSent([key], deps.now());
      return 'sent';
    },

    async recordAnnouncementProgress(id: string, progress: BroadcastProgress): Promise<void> {
      await store.announcements.saveProgress(id, progress, deps.now());
    },
  };
}

export type AnnouncementActivities = ReturnType<typeof createAnnouncementActivities>;
