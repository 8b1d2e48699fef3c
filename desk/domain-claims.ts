import { unavailableError } from '../domain/errors';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { Organization } from '../store/organizations';

/**
 * Keeps each mail domain with one organization, also when two admins save at the same instant: a change first claims
 * its domains (store/domain-claims.ts, one document per domain, inserted), then saves the organization, then settles
 * the claims to what was saved. No transactions: a change that fails or crashes between its claims and its save
 * leaves claims its organization does not hold. The organization's next save releases them (`settle`); one that never
 * saves again (a create that crashed) loses them to the next organization asking once they are `STALE_CLAIM_MS` old.
 */

/** How long a claim its organization does not hold may stand in another organization's way. */
export const STALE_CLAIM_MS = 2 * 60_000;
/**
 * A change that took longer than this from its claims to its save gives up (nothing saved, its new claims released),
 * so it never saves a domain that another organization meanwhile took over as stale.
 */
const SAVE_BUDGET_MS = STALE_CLAIM_MS / 2;

/**
 * A domain this change may not have: another organization holds it (`holder`), or a change of another organization
 * (`claimedBy`) claimed it and has not saved (it is saving now, or failed less than `STALE_CLAIM_MS` ago).
 */
export interface DomainRefusal {
  domain: string;
  holder?: Pick<Organization, 'id' | 'name'>;
  claimedBy?: string;
}

export interface DomainClaimsHeld {
  organizationId: string;
  /** Claimed by this change (not held before): released again if the save does not happen. */
  fresh: string[];
  at: Date;
}

export function createDomainClaims(deps: { store: Store; now: () => Date; logger: Logger }) {
  const { store } = deps;
  const claims = store.domainClaims;

  /** Ours (touched, so that nobody takes it over as stale while we save), newly ours, or refused. */
  async function claimOne(organizationId: string, domain: string, at: Date): Promise<'ours' | 'fresh' | DomainRefusal> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await claims.touch(domain, organizationId, at)) return 'ours';
      if (await claims.insert(domain, organizationId, at)) return 'fresh';
      const claim = await claims.get(domain);
      if (!claim || claim.organizationId === organizationId) continue; // released or re-claimed in between: look again
      const org = await store.organizations.get(claim.organizationId);
      if (org?.domains.includes(domain)) return { domain, holder: { id: org.id, name: org.name } };
      if (at.getTime() - claim.touchedAt.getTime() <= STALE_CLAIM_MS)
        return { domain, claimedBy: claim.organizationId };
      deps.logger.warn(
        { domain, organizationId: claim.organizationId, touchedAt: claim.touchedAt },
        'stale domain claim taken over',
      );
      await claims.removeIfUnchanged(claim);
    }
    return { domain }; // claimed and released over and over while we looked: busy
  }

  return {
    /**
     * Claims every domain for the organization before it is saved. Refused domains come back, and then nothing stays
     * claimed by this call. Organizations saved before claims existed hold domains without claims: checked here too.
     */
    async claim(
      organizationId: string,
      domains: string[],
    ): Promise<{ held: DomainClaimsHeld } | { refused: DomainRefusal[] }> {
      const at = deps.now();
      const results = await Promise.all(domains.map((d) => claimOne(organizationId, d, at)));
      const fresh = domains.filter((_, i) => results[i] === 'fresh');
      const refused = results.filter((r): r is DomainRefusal => typeof r === 'object');
      if (!refused.length) {
        for (const org of await store.organizations.holdingDomains(domains)) {
          if (org.id === organizationId) continue;
          for (const domain of org.domains.filter((d) => domains.includes(d)))
            refused.push({ domain, holder: { id: org.id, name: org.name } });
        }
      }
      if (refused.length) {
        await claims.release(organizationId, fresh);
        return { refused };
      }
      return { held: { organizationId, fresh, at } };
    },

    /** Right before the save: too late, and the claims may have been taken over; nothing is saved then. */
    async beforeSave(held: DomainClaimsHeld): Promise<void> {
      if (deps.now().getTime() - held.at.getTime() <= SAVE_BUDGET_MS) return;
      await claims.release(held.organizationId, held.fresh);
      throw unavailableError('saving the organization took too long, so nothing was saved; try again');
    },

    /**
     * After a save, or a failed one: the organization's claims become exactly the domains it holds now. Releases what it
     * gave up (and what a failed or crashed change of it left), and claims what it holds without a claim.
     */
    async settle(organizationId: string): Promise<void> {
      const [org, claimed] = await Promise.all([store.organizations.get(organizationId), claims.of(organizationId)]);
      const holds = org?.domains ?? [];
      await claims.release(
        organizationId,
        claimed.filter((d) => !holds.includes(d)),
      );
      for (const domain of holds.filter((d) => !claimed.includes(d))) {
        if (!(await claims.insert(domain, organizationId, deps.now())))
          deps.logger.error({ organizationId, domain }, 'organization holds a domain another organization claims');
      }
    },

    /**
     * Claims the domains of organizations saved before claims existed, oldest organization first; idempotent (the API
     * runs it at every start). A domain two of them hold already stays with the older one, and is logged.
     */
    async backfill(): Promise<{
      claimed: number;
      conflicts: { domain: string; organizationId: string; claimedBy: string }[];
    }> {
      const orgs = await store.organizations.allDomains();
      const holders = await claims.holders(orgs.flatMap((o) => o.domains));
      const at = deps.now();
      let claimed = 0;
      const conflicts: { domain: string; organizationId: string; claimedBy: string }[] = [];
      for (const org of orgs) {
        for (const domain of org.domains) {
          let holder = holders.get(domain);
          if (!holder) {
            const inserted = await claims.insert(domain, org.id, at);
            if (inserted) claimed++;
            // Not inserted: a save claimed it since we looked (released again since: nobody holds it, ours to claim next start).
            holder = inserted ? org.id : ((await claims.get(domain))?.organizationId ?? org.id);
            holders.set(domain, holder);
          }
          if (holder !== org.id) conflicts.push({ domain, organizationId: org.id, claimedBy: holder });
        }
      }
      if (conflicts.length)
        deps.logger.error({ conflicts }, 'organizations hold mail domains other organizations claim; change them');
      if (claimed) deps.logger.info({ claimed }, 'mail domains of existing organizations claimed');
      return { claimed, conflicts };
    },
  };
}

export type DomainClaims = ReturnType<typeof createDomainClaims>;
