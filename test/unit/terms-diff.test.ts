import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type SlaPolicy } from '../../domain/policy';
import { targetChange, termsChanges, withEffectiveDate } from '../../domain/terms-diff';
import type { CalendarSpec } from '../../domain/calendar';

const policy = (edit: (p: SlaPolicy) => void): SlaPolicy => {
  const p = structuredClone(DEFAULT_POLICY) as SlaPolicy;
  edit(p);
  return p;
};
const calendar: CalendarSpec = {
  timezone: 'UTC-5',
  windows: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'].map((day) => ({
    day: day as CalendarSpec['windows'][number]['day'],
    open: '22:00',
    close: '06:00',
  })),
  holidays: ['2026-12-25'],
};

describe('the changes of a revision in words', () => {
  it('names a tighter first response as the issue writes it', () => {
    const after = policy((p) => (p.targets.high.firstResponse = { minutes: 360, clock: 'business' }));
    expect(termsChanges({ policy: DEFAULT_POLICY }, { policy: after })).toEqual([
      'first response for high priority: 8 → 6 business hours',
    ]);
    expect(withEffectiveDate(termsChanges({ policy: DEFAULT_POLICY }, { policy: after }), '2027-01-04')).toEqual([
      'first response for high priority: 8 → 6 business hours; from 2027-01-04',
    ]);
  });

  it('says nothing for a revision that changes nothing customers were promised', () => {
    const after = policy((p) => {
      p.warningAt = 0.5;
      p.escalation = [{ level: 'L2', afterBreachMinutes: 60 }];
    });
    expect(termsChanges({ policy: DEFAULT_POLICY, calendar }, { policy: after, calendar })).toEqual([]);
  });

  it('orders several target changes most urgent first, and spells out a change of clock or unit', () => {
    const after = policy((p) => {
      p.targets.low.resolution = { minutes: 60 * 100, clock: 'business' };
      p.targets.urgent.firstResponse = { minutes: 90, clock: 'business' };
      p.targets.urgent.resolution = { minutes: 8 * 60, clock: '24x7' };
    });
    expect(termsChanges({ policy: DEFAULT_POLICY }, { policy: after })).toEqual([
      'first response for urgent priority: 2 business hours → 90 business minutes',
      'resolution for urgent priority: 8 business hours → 8 hours around the clock',
      'resolution for low priority: 80 → 100 business hours',
    ]);
    expect(targetChange({ minutes: 60, clock: 'business' }, { minutes: 60 * 2, clock: 'business' })).toBe(
      '1 → 2 business hours',
    );
  });

  it('names support hours, holidays, scope, coverage and the quiet period before closing', () => {
    const after: CalendarSpec = {
      ...calendar,
      windows: [...calendar.windows, { day: 'friday', open: '22:00', close: '06:00' }],
      holidays: ['2027-01-01'],
    };
    const changed = policy((p) => {
      p.outOfScopeCategories = ['training', 'custom-development'];
      p.autoCloseAfterMinutes = 24 * 60;
    });
    expect(
      termsChanges(
        { policy: DEFAULT_POLICY, calendar, scope: { training: false, customDevelopment: false, thirdParty: false } },
        { policy: changed, calendar: after, scope: { training: true, customDevelopment: false, thirdParty: false } },
      ),
    ).toEqual([
      'now covered: third party',
      'a resolved ticket closes after 40 → 24 business hours without an answer',
      'support hours: Sunday to Thursday, 10 PM to 6 AM (EST) → Sunday to Friday, 10 PM to 6 AM (EST)',
      'support closed for the holiday 2027-01-01',
      'no longer a holiday (support open as usual): 2026-12-25',
      'training on product usage: not included → included',
    ]);
  });
});
