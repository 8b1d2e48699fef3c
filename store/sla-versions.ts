import type { Models } from './models';
import type { SlaKind, SlaVersion } from '../domain/entities';
export type { SlaKind, SlaVersion };

/** Calendars and policies as append-only versions: a change is a new version, never an edit. */
export function createSlaVersionRepository(models: Models) {
  const { SlaVersion: Model } = models;
  const toPlain = <T>(d: Record<string, unknown>): SlaVersion<T> => {
    const { _id, ...rest } = d;
    void _id;
    return rest as unknown as SlaVersion<T>;
  };
  return {
    async latest<T>(kind: SlaKind, name: string): Promise<SlaVersion<T> | null> {
      const doc = await Model.findOne({ kind, name }).sort({ version: -1 }).lean();
      return doc ? toPlain<T>(doc as unknown as Record<string, unknown>) : null;
    },
    async get<T>(kind: SlaKind, name: string, version: number): Promise<SlaVersion<T> | null> {
      const doc = await Model.findById(`${kind}:${name}:${version}`).lean();
      return doc ? toPlain<T>(doc as unknown as Record<string, unknown>) : null;
    },
    async list(kind: SlaKind, name: string): Promise<Omit<SlaVersion, 'body'>[]> {
      const docs = await Model.find({ kind, name }, { body: 0 }).sort({ version: 1 }).lean();
      return docs.map((d) => toPlain(d as unknown as Record<string, unknown>));
    },
    /** Every version of one name (a deleted calendar or policy). */
    async remove(kind: SlaKind, name: string): Promise<void> {
      await Model.deleteMany({ kind, name: String(name) });
    },
    /** The unique _id makes two concurrent writers of the same version collide instead of both winning. */
    async append<T>(kind: SlaKind, name: string, body: T, createdBy: string, now: Date): Promise<SlaVersion<T>> {
      for (;;) {
        const latest = await this.latest(kind, name);
        const version = (latest?.version ?? 0) + 1;
        try {
          await Model.create({
            _id: `${kind}:${name}:${version}`,
            kind,
            name,
            version,
            body,
            createdAt: now,
            createdBy,
          });
          return { kind, name, version, body, createdAt: now, createdBy };
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
        }
      }
    },
  };
}

export type SlaVersionRepository = ReturnType<typeof createSlaVersionRepository>;
