import { isDuplicateKey } from './errors';
import type { Models } from './models';

/** A mail domain claimed by an organization (collection `organization_domains`, the domain as `_id`). */
export interface DomainClaim {
  domain: string;
  organizationId: string;
  /** When a change of the organization last relied on the claim. */
  touchedAt: Date;
}

/**
 * Claims of mail domains. The domain is the document's `_id`, so of two organizations inserting the same domain at the
 * same instant exactly one succeeds: a unique `_id`, unlike a unique index on an array field, holds on FerretDB 1.24
 * and MongoDB alike, without transactions.
 */
export function createDomainClaimRepository(models: Models) {
  const { OrganizationDomain: Model } = models;
  const toPlain = (d: { _id: unknown; organizationId: unknown; touchedAt: unknown }): DomainClaim => ({
    domain: String(d._id),
    organizationId: String(d.organizationId),
    touchedAt: new Date(d.touchedAt as Date),
  });
  return {
    /** Claims a free domain; false when someone (this organization included) holds it already. */
    async insert(domain: string, organizationId: string, at: Date): Promise<boolean> {
      try {
        await Model.create({ _id: String(domain), organizationId: String(organizationId), touchedAt: at });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    /** Marks the organization's own claim as relied on now; false when the domain is not claimed by it. */
    async touch(domain: string, organizationId: string, at: Date): Promise<boolean> {
      const r = await Model.updateOne(
        { _id: String(domain), organizationId: String(organizationId) },
        { $set: { touchedAt: at } },
      );
      return r.matchedCount === 1;
    },
    async get(domain: string): Promise<DomainClaim | null> {
      const doc = await Model.findById(String(domain)).lean();
      return doc ? toPlain(doc) : null;
    },
    /** Claims of these domains by anyone, by domain. */
    async holders(domains: string[]): Promise<Map<string, string>> {
      if (!domains.length) return new Map();
      const docs = await Model.find({ _id: { $in: domains.map(String) } }).lean();
      return new Map(docs.map((d) => [String(d._id), String(d.organizationId)]));
    },
    /** Every domain the organization claims. */
    async of(organizationId: string): Promise<string[]> {
      const docs = await Model.find({ organizationId: String(organizationId) }, { _id: 1 }).lean();
      return docs.map((d) => String(d._id));
    },
    /** Deletes exactly this claim as it was read: not if it was touched or claimed anew since. */
    async removeIfUnchanged(c: DomainClaim): Promise<boolean> {
      const r = await Model.deleteOne({
        _id: String(c.domain),
        organizationId: String(c.organizationId),
        touchedAt: c.touchedAt,
      });
      return r.deletedCount === 1;
    },
    /** Releases the organization's claims of these domains (another organization's claims stay). */
    async release(organizationId: string, domains: string[]): Promise<void> {
      if (!domains.length) return;
      await Model.deleteMany({ _id: { $in: domains.map(String) }, organizationId: String(organizationId) });
    },
  };
}

export type DomainClaimRepository = ReturnType<typeof createDomainClaimRepository>;
