import type { PinnedVersions } from './agreement';
import type { MessageKind } from './thread';
import type { TicketProjection } from './ticket-sla/projection';

/**
 * The records the desk keeps and its adapters render: plain data, whatever holds it (store/ maps documents to
 * these). Use cases and pages name them from here, so nothing above the store needs to know the store.
 */

export type Role = 'customer' | 'agent' | 'admin';

export interface User {
  id: string;
  role: Role;
  name: string;
  email: string;
  /** A customer without an organization: whether training is in their scope. Organizations' members follow their agreement. */
  agreement: { trainingIncluded: boolean };
  organizationId?: string;
  /** A member's role in their organization: an `admin` also sees the organization's tickets in the customer portal. */
  organizationRole?: 'member' | 'admin';
  /** When the address was proven: a link mailed to it was used, or a verified reply came from it (desk/customers.ts). */
  emailProvenAt?: Date;
  createdAt: Date;
}

export interface TicketContent {
  id: string;
  subject: string;
  description: string;
  errorMessage?: string;
  category: string;
  priority: string;
  channel: string;
  liveSupportTool?: string;
  customerId: string;
  /** The customer's organization when the ticket was received (its agreement is the ticket's). */
  organizationId?: string;
  customerEmail: string;
  customerName?: string;
  receivedAt: Date;
  slaVersion: string;
  /**
   * The calendar and policy versions the ticket runs under, so lists can show its times without asking its workflow:
   * those it was opened under, then those a re-timing moved it to (`since`: that re-timing). Absent on older tickets.
   */
  pinned?: PinnedVersions & { since?: Date };
  /** Sent through the web form under an existing customer's address and not yet confirmed by opening its mailed link. */
  unverified?: boolean;
  /** Its private link was shown on the web form, so opening it proves nothing about the address. */
  linkShown?: boolean;
  /** Opened before the customer's address was proven, at the domain of this organization (told in the acknowledgement). */
  pendingOrganization?: { id: string; name: string };
  refusedFiles?: { filename: string; reason: string }[];
}

/**
 * The projection of a ticket's workflow state that lists and searches read, as the store holds it: the workflow's
 * row (domain/ticket-sla/projection.ts) with its instants as dates.
 */
export type TicketStateProjection = Omit<
  TicketProjection,
  'nextDeadline' | 'scopeReviewDueAt' | 'clocks' | 'receivedAt' | 'updatedAt'
> & {
  nextDeadline?: Date;
  /** While the ticket waits for a scope review: when the review ends (and the ticket closes unless accepted). */
  scopeReviewDueAt?: Date;
  clocks?: unknown;
  receivedAt: Date;
  updatedAt: Date;
};

/** Where the previous page ended: the sort value and the id that breaks ties. */
export interface ListCursor {
  phase: 'dated' | 'undated';
  value: string | null;
  id: string;
}

/** One entry of a ticket's thread. `internal` follows the kind: internal notes and escalation reasons are for agents only. */
export interface ThreadMessage {
  id: string;
  ticketId: string;
  authorId: string;
  authorRole: string;
  authorName: string;
  body: string;
  kind: MessageKind;
  internal: boolean;
  channel: string;
  createdAt: Date;
  /** For a message that came by mail: the whole text as sent, files not kept (with why), and what proved its sender. */
  mail?: MailDetails;
}

export interface MailDetails {
  original: string;
  refusedFiles?: { filename: string; reason: string }[];
  proof?: string;
  /** A held mail (desk/held-mail.ts): what the sender wrote, and what an agent decided. */
  held?: HeldMail;
}

export interface HeldMail {
  status: 'pending' | 'released' | 'discarded';
  /** The customer whose address it came from: a release adds it to the thread as theirs. */
  customerId?: string;
  reply: string;
  decidedBy?: string;
  decidedAt?: Date;
  /** The thread message a release added. */
  releasedAs?: string;
}

export interface SlaEventRecord {
  /** Idempotency key: (ticket, type, metric, level, cycle). A retried insert is a no-op. */
  key: string;
  ticketId: string;
  type: string;
  metric?: string;
  at: Date;
  dueAt?: Date;
  level?: string;
  detail?: Record<string, unknown>;
}

/** A file kept with a ticket (a screenshot, a log). Stored as one binary document of bounded size. */
export interface Attachment {
  id: string;
  ticketId: string;
  messageId?: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
  createdAt: Date;
  /** A file of a held mail (desk/held-mail.ts): for agents only, outside the ticket's quota, until released. */
  held?: boolean;
}

export type AttachmentMeta = Omit<Attachment, 'data'>;

/** A third party tickets may wait on, with the response time agreed with it (an underpinning contract). */
export interface Vendor {
  id: string;
  name: string;
  /** A calendar's name (its newest version is pinned when a ticket starts waiting), or `24x7`. */
  calendar: string;
  targetMinutes: number;
  contacts: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Macro {
  id: string;
  title: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

export type AnnouncementKind = 'update' | 'maintenance';

export type BroadcastStatus = 'running' | 'done' | 'cancelled';

export interface BroadcastProgress {
  total: number;
  sent: number;
  failed: number;
  /** true once a cancel was requested (the batch in flight still finishes). */
  cancelled: boolean;
  status: BroadcastStatus;
}

export interface Announcement extends BroadcastProgress {
  id: string;
  title: string;
  body: string;
  kind: AnnouncementKind;
  window?: { from: Date; to: Date };
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Calendars and policies by name; organizations' agreements by organization id. */
export type SlaKind = 'calendar' | 'policy' | 'agreement';

export interface SlaVersion<T = unknown> {
  kind: SlaKind;
  name: string;
  version: number;
  body: T;
  createdAt: Date;
  createdBy: string;
}
