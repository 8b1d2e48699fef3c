import { randomBytes } from 'node:crypto';
import type { Models } from './models';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}

/** Every admin change, append-only. */
export function createAuditRepository(models: Models) {
  const { Audit } = models;
  return {
    async record(e: AuditEntry): Promise<void> {
      await Audit.create({ _id: `${e.at.getTime().toString(36)}-${randomBytes(4).toString('hex')}`, ...e });
    },
    async recent(limit = 100): Promise<AuditEntry[]> {
      const docs = await Audit.find({}).sort({ at: -1 }).limit(limit).lean();
      return docs.map((d) => {
        const { _id, ...rest } = d as unknown as Record<string, unknown>;
        void _id;
        return rest as unknown as AuditEntry;
      });
    },
  };
}
