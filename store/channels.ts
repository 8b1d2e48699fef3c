import type { Connection } from 'mongoose';
import { createAnnouncementRepository } from './announcements';
import { createAttachmentRepository } from './attachments';
import { registerChannelModels } from './channel-models';
import { createInboundMailRepository } from './inbound-mail';
import type { Models } from './models';

/** The channels' repositories, spread into the store (store/index.ts). Mongoose builds their indexes on model creation. */
export function createChannelRepositories(conn: Connection, core: Models) {
  const models = registerChannelModels(conn);
  return {
    attachments: createAttachmentRepository(models),
    inboundMail: createInboundMailRepository(models, core),
    announcements: createAnnouncementRepository(models, core),
  };
}
