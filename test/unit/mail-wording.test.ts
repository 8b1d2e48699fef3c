import { describe, expect, it } from 'vitest';
import { renderMail } from '../../activities/mail-templates';
import { describeScope } from '../../domain/agreement';
import { ALWAYS_OPEN_CALENDAR, createCalendar, formatUtcMinute } from '../../domain/calendar';

/** What customers read in mail, sentence by sentence: each thing said once, lists whose items can be told apart. */

const due = new Date('2026-12-07T16:23:00Z');
const facts = (timezone: string) => ({
  ticketId: 'T1',
  subject: 'Training please',
  ticketUrl: 'http://x/t',
  dueLocal: createCalendar({ ...ALWAYS_OPEN_CALENDAR, timezone }).formatLocal(due),
  dueUtc: formatUtcMinute(due),
});

describe('due times in mail', () => {
  it('are written once when the ticket runs in UTC', () => {
    for (const kind of ['acknowledgement', 'out_of_scope', 'scope_review_reminder'] as const) {
      const { text } = renderMail(kind, facts('UTC'));
      expect(text, kind).toContain('Mon 2026-12-07 16:23 UTC');
      expect(text, kind).not.toMatch(/UTC \(2026-12-07 16:23 UTC\)/);
    }
  });

  it('add the UTC time beside another zone', () => {
    const { text } = renderMail('acknowledgement', facts('UTC-5'));
    expect(text).toContain('An agent will respond by Mon 2026-12-07 11:23 EST (2026-12-07 16:23 UTC).');
  });
});

describe('describeScope', () => {
  it('keeps the items of a list apart when they have "or" inside them', () => {
    expect(describeScope({ training: false, customDevelopment: false, thirdParty: false })).toBe(
      'Your agreement does not cover training on product usage, custom development or modifications, or third-party products or services.',
    );
    expect(describeScope({ training: true, customDevelopment: false, thirdParty: false })).toBe(
      'Your agreement covers training on product usage; it does not cover custom development or modifications, or third-party products or services.',
    );
    expect(describeScope({ training: false, customDevelopment: true, thirdParty: true })).toBe(
      'Your agreement covers custom development or modifications, and third-party products or services; it does not cover training on product usage.',
    );
  });
});
