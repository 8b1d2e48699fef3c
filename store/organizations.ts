import { canonicalDomain } from '../lib/email-address';
import type { AgreementScope, LevelContacts } from '../domain/agreement';
import type { Models } from './models';

/** What an organization's agreement names: its calendar and policy by name, its scope and its escalation contacts. */
export interface AgreementSpec {
  calendar: string;
  policy: string;
  scope: AgreementScope;
  contacts?: LevelContacts;
  /** The agreement's own SLA document, if it has one (versioned with it); else the default's, read as its terms set. */
  text?: string;
}

export interface Organization {
  id: string;
  name: string;
  /** Mail domains whose new customers join the organization. */
  domains: string[];
  agreement: AgreementSpec;
  /** The agreement's version: every change is a new one (kept in sla_versions as kind `agreement`). */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Organizations as their current version; each version is also appended to sla_versions (the history). */
export function createOrganizationRepository(models: Models) {
  const { Organization: Model } = models;
  const toPlain = (doc: Record<string, unknown>): Organization => {
    const { _id, ...rest } = doc;
    return { id: String(_id), ...(rest as Omit<Organization, 'id'>) };
  };
  return {
    async create(o: Organization): Promise<void> {
      const { id, ...fields } = o;
      await Model.create({ _id: id, ...fields });
    },
    /** Applies version `o.version` unless a newer one is stored already (a late writer never goes back). */
    async replace(o: Organization): Promise<void> {
      const { id, createdAt: _createdAt, ...fields } = o;
      await Model.updateOne({ _id: String(id), version: { $lt: o.version } }, { $set: fields });
    },
    async get(id: string): Promise<Organization | null> {
      const doc = await Model.findById(String(id)).lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    async list(limit = 500): Promise<Organization[]> {
      const docs = await Model.find({}).sort({ name: 1, _id: 1 }).limit(limit).lean();
      return docs.map((d) => toPlain(d as unknown as Record<string, unknown>));
    },
    /** The organization a mail domain belongs to (domains are kept lowercase and unique across organizations). */
    async byDomain(domain: string): Promise<Organization | null> {
      const c = canonicalDomain(String(domain));
      if (!c.ok) return null;
      const doc = await Model.findOne({ domains: c.domain }).lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    /** Organizations holding any of these domains. */
    async holdingDomains(domains: string[]): Promise<Organization[]> {
      if (!domains.length) return [];
      const docs = await Model.find({ domains: { $in: domains.map(String) } }).lean();
      return docs.map((d) => toPlain(d as unknown as Record<string, unknown>));
    },
    /** Every organization's domains, oldest organization first: claiming the domains of those saved before claims existed. */
    async allDomains(): Promise<{ id: string; domains: string[] }[]> {
      const docs = await Model.find({}, { domains: 1 }).sort({ createdAt: 1, _id: 1 }).lean();
      return docs.map((d) => ({ id: String(d._id), domains: (d.domains ?? []).map(String) }));
    },
    /** Organizations whose current agreement names this calendar or policy. */
    async using(kind: 'calendar' | 'policy', name: string): Promise<{ id: string; name: string }[]> {
      const docs = await Model.find({ [`agreement.${kind}`]: String(name) }, { name: 1 })
        .sort({ _id: 1 })
        .lean();
      return docs.map((d) => ({ id: String(d._id), name: String((d as { name: string }).name) }));
    },
  };
}

export type OrganizationRepository = ReturnType<typeof createOrganizationRepository>;
