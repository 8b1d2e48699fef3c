import { Schema, type Connection } from 'mongoose';

/**
 * Collections of the channels (inbound mail, attachments, announcements), kept apart from models.ts
 * so each channel's schema lives next to its repository. Same FerretDB/MongoDB subset: plain indexes
 * on required fields, binary documents of bounded size instead of GridFS.
 */

const attachmentSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true, index: true },
    messageId: { type: String },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
    createdAt: { type: Date, required: true },
    held: { type: Boolean },
  },
  { versionKey: false, collection: 'attachments' },
);
attachmentSchema.index({ ticketId: 1, createdAt: 1, _id: 1 }); // a ticket's files, oldest first

const inboundMailSchema = new Schema(
  {
    // The Message-ID (`mid:<…>`) or, without one, a hash of the raw message (`sha256:…`).
    _id: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
    from: { type: String },
    subject: { type: String },
    outcome: { type: String },
    ticketId: { type: String, index: true },
    reason: { type: String },
    skippedAttachments: { type: [{ _id: false, filename: String, reason: String }], default: undefined },
    raw: { type: Buffer },
    rawSize: { type: Number },
    processedAt: { type: Date },
  },
  { versionKey: false, collection: 'inbound_mail' },
);

const announcementSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    kind: { type: String, required: true },
    window: { type: { _id: false, from: Date, to: Date }, default: undefined },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    status: { type: String, required: true },
    total: { type: Number, required: true },
    sent: { type: Number, required: true },
    failed: { type: Number, required: true },
    cancelled: { type: Boolean, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'announcements' },
);

export function registerChannelModels(conn: Connection) {
  return {
    Attachment: conn.model('Attachment', attachmentSchema),
    InboundMail: conn.model('InboundMail', inboundMailSchema),
    Announcement: conn.model('Announcement', announcementSchema),
  };
}

export type ChannelModels = ReturnType<typeof registerChannelModels>;
