import { ApplicationFailure } from '@temporalio/common';
import type { BroadcastProgress, CustomerAddress } from '../store/announcements';
import { renderAnnouncement } from './mail-templates';
import type { TicketActivityDeps } from './ticket-activities';

export type { BroadcastProgress, CustomerAddress };

/** What the broadcast workflow carries about its announcement (rendered once, at posting). */
export interface AnnouncementContent {
  id: string;
  kind: 'update' | 'maintenance';
  title: string;
  body: string;
  /** The window in the support calendar's zone and in UTC, e.g. "Sun 2026-03-01 23:00 EST – …". */
  windowText?: string;
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
      await store.notifications.markSent(key, deps.now());
      return 'sent';
    },

    async recordAnnouncementProgress(id: string, progress: BroadcastProgress): Promise<void> {
      await store.announcements.saveProgress(id, progress, deps.now());
    },
  };
}

export type AnnouncementActivities = ReturnType<typeof createAnnouncementActivities>;
