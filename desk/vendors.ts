import type { CalendarSpec } from '../domain/calendar';
import { conflictError, invalidInput, notFoundError } from '../domain/errors';
import type { Vendor } from '../domain/entities';
import type { VendorTerms } from '../domain/ticket-sla';
import type { Store } from '../store';

/** `calendar` as a vendor takes it: a stored calendar's name, or wall-clock time. */
export const ROUND_THE_CLOCK = '24x7';

export interface VendorInput {
  id: string;
  name: string;
  calendar: string;
  targetMinutes: number;
  contacts?: string[];
}

/**
 * Third parties a ticket may wait on (underpinning contracts): each with a response target on its own calendar.
 * A ticket set pending on one pins its terms (the calendar's newest version then), so later changes move no clock.
 */
export function createVendorService(deps: { store: Store; now: () => Date }) {
  const { store } = deps;

  async function calendarOf(name: string, field: string): Promise<CalendarSpec | null> {
    if (name === ROUND_THE_CLOCK) return null;
    const found = await store.slaVersions.latest<CalendarSpec>('calendar', name);
    if (!found) throw invalidInput(`no calendar named ${name}; name a stored calendar or ${ROUND_THE_CLOCK}`, field);
    return found.body;
  }

  return {
    list: () => store.vendors.list(),

    async get(id: string): Promise<Vendor> {
      const v = await store.vendors.get(id);
      if (!v) throw notFoundError('vendor');
      return v;
    },

    async create(input: VendorInput, actor: string): Promise<Vendor> {
      await calendarOf(input.calendar, 'calendar');
      const now = deps.now();
      const vendor: Vendor = {
        id: input.id,
        name: input.name,
        calendar: input.calendar,
        targetMinutes: input.targetMinutes,
        contacts: input.contacts ?? [],
        createdAt: now,
        updatedAt: now,
      };
      if (!(await store.vendors.add(vendor))) throw conflictError(`a vendor ${input.id} exists already`, 'id');
      await store.audit.record({
        at: now,
        actor,
        action: 'vendor.create',
        target: vendor.id,
        detail: { name: vendor.name },
      });
      return vendor;
    },

    /** The terms a ticket waiting on this vendor pins; 400 naming `vendor` for one that does not exist. */
    async termsOf(id: string): Promise<VendorTerms> {
      const v = await store.vendors.get(id);
      if (!v) throw invalidInput(`no vendor ${id}; add it with POST /api/v1/vendors`, 'vendor');
      return {
        id: v.id,
        name: v.name,
        calendar: await calendarOf(v.calendar, 'vendor'),
        targetMinutes: v.targetMinutes,
        contacts: v.contacts,
      };
    },
  };
}

export type VendorService = ReturnType<typeof createVendorService>;
