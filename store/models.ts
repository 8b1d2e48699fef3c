import { Schema, type Connection } from 'mongoose';

/**
 * Collections. Only features both FerretDB 1.24 and MongoDB 7/8 support: plain and unique
 * indexes on required fields, no transactions, no positional updates.
 */

const ticketSchema = new Schema(
  {
    _id: { type: String, required: true },
    subject: { type: String, required: true },
    description: { type: String, required: true },
    errorMessage: { type: String },
    category: { type: String, required: true },
    priority: { type: String, required: true },
    channel: { type: String, required: true },
    liveSupportTool: { type: String },
    customerId: { type: String, required: true, index: true },
    organizationId: { type: String },
    customerEmail: { type: String, required: true },
    customerName: { type: String },
    receivedAt: { type: Date, required: true },
    slaVersion: { type: String, required: true },
    /** The calendar and policy versions the ticket was opened under: {calendar: {id, version}, policy: {id, version}}. */
    pinned: { type: Schema.Types.Mixed },
    /** Files of the opening mail that were not kept, with the reason (told to agents and in the acknowledgement). */
    refusedFiles: { type: [{ _id: false, filename: String, reason: String }], default: undefined },
    /** SHA-256 of the customer's private web link token; the token itself is never stored. */
    accessTokenHash: { type: String, index: true },
    /** Opened on the web form for an existing customer's address: unproven until its mailed link is opened. */
    unverified: { type: Boolean },
    /** Its private link was shown on the web form: opening it proves nothing about the address. */
    linkShown: { type: Boolean },
    /** The organization the customer's address would join once proven (the acknowledgement says so). */
    pendingOrganization: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'tickets' },
);
ticketSchema.index({ customerId: 1, receivedAt: -1 }); // a customer's newest (store/tickets.ts)

const ticketStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true, index: true },
    priority: { type: String, required: true },
    category: { type: String, required: true },
    customerId: { type: String, required: true, index: true },
    organizationId: { type: String, index: true },
    subject: { type: String, required: true },
    assignee: { type: String },
    escalationLevel: { type: String, required: true },
    slaState: { type: String, required: true },
    nextDeadline: { type: Date },
    scopeReviewDueAt: { type: Date },
    waitingOn: { type: String },
    clocks: { type: Schema.Types.Mixed },
    receivedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'ticket_states' },
);
/**
 * One index per list, its key the list's sort (store/ticket-states.ts): MongoDB walks it and stops at the page's
 * limit, and so does the patched FerretDB, which reads a sort in an index's order only when the sort is exactly that
 * index's key (scripts/lib/ferretdb-index-patches.ts). Mongoose creates them at every start (autoIndex), so an
 * existing deployment gets them on its next start.
 */
ticketStateSchema.index({ nextDeadline: 1, _id: 1 }); // the at-risk queue
ticketStateSchema.index({ assignee: 1, nextDeadline: 1, _id: 1 }); // one agent's
ticketStateSchema.index({ receivedAt: 1, _id: 1 }); // its tickets without a deadline, oldest first
ticketStateSchema.index({ receivedAt: -1, _id: 1 }); // newest first
ticketStateSchema.index({ customerId: 1, receivedAt: -1, _id: 1 }); // the portal: a customer's
ticketStateSchema.index({ organizationId: 1, receivedAt: -1, _id: 1 }); // the portal: an organization's

const slaEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true, index: true },
    type: { type: String, required: true },
    metric: { type: String },
    at: { type: Date, required: true },
    dueAt: { type: Date },
    level: { type: String },
    detail: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'sla_events' },
);
// A ticket's timeline, thread and mail log: each read's sort is its index's key (see ticketStateSchema's indexes).
slaEventSchema.index({ ticketId: 1, at: 1, _id: 1 });

const notificationSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, index: true },
    kind: { type: String, required: true },
    to: { type: [String], required: true },
    subject: { type: String, required: true },
    messageId: { type: String, required: true, index: true },
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
    sentAt: { type: Date },
  },
  { versionKey: false, collection: 'notifications' },
);
notificationSchema.index({ ticketId: 1, claimedAt: 1 });

const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    role: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true, unique: true },
    apiKeyHash: { type: String, required: true, unique: true },
    agreement: { trainingIncluded: { type: Boolean, required: true, default: false } },
    organizationId: { type: String, index: true },
    organizationRole: { type: String },
    /** When the address was proven (a link mailed to it was used, or a verified reply came from it). */
    emailProvenAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'users' },
);

const messageSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true, index: true },
    authorId: { type: String, required: true },
    authorRole: { type: String, required: true },
    authorName: { type: String, required: true },
    body: { type: String, required: true },
    kind: { type: String },
    internal: { type: Boolean, required: true },
    channel: { type: String, required: true },
    createdAt: { type: Date, required: true },
    mail: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'messages' },
);
messageSchema.index({ ticketId: 1, createdAt: 1, _id: 1 });

const slaVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    name: { type: String, required: true },
    version: { type: Number, required: true },
    body: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'sla_versions' },
);
slaVersionSchema.index({ kind: 1, name: 1, version: -1 });

const organizationSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    domains: { type: [String], default: [] },
    agreement: { type: Schema.Types.Mixed, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'organizations', minimize: false },
);

/**
 * Which organization a mail domain belongs to, one document per domain: the unique `_id` is what keeps two
 * organizations from claiming one domain at the same instant (desk/domain-claims.ts). `touchedAt` is when a change
 * last relied on the claim.
 */
const organizationDomainSchema = new Schema(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true, index: true },
    touchedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'organization_domains' },
);

const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true, index: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, required: true },
    detail: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'audit_log' },
);

const webhookSchema = new Schema(
  {
    _id: { type: String, required: true },
    url: { type: String, required: true },
    secret: { type: String, required: true },
    events: { type: [String], required: true },
    active: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'webhooks' },
);

const webhookDeliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    webhookId: { type: String, required: true, index: true },
    eventKey: { type: String, required: true },
    status: { type: Number, required: true },
    deliveredAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'webhook_deliveries' },
);

export function registerModels(conn: Connection) {
  return {
    Ticket: conn.model('Ticket', ticketSchema),
    TicketState: conn.model('TicketState', ticketStateSchema),
    SlaEvent: conn.model('SlaEvent', slaEventSchema),
    Notification: conn.model('Notification', notificationSchema),
    User: conn.model('User', userSchema),
    Message: conn.model('Message', messageSchema),
    SlaVersion: conn.model('SlaVersion', slaVersionSchema),
    Organization: conn.model('Organization', organizationSchema),
    OrganizationDomain: conn.model('OrganizationDomain', organizationDomainSchema),
    Audit: conn.model('Audit', auditSchema),
    Webhook: conn.model('Webhook', webhookSchema),
    WebhookDelivery: conn.model('WebhookDelivery', webhookDeliverySchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
