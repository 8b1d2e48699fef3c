import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAnnouncementActivities } from '../../activities/announcement-activities';
import { SLA_CALENDAR, type CalendarSpec } from '../../domain/calendar';
import type { Store } from '../../store';
import { readOutbox } from '../support/outbox';
import { connectTestStore, testActivityDeps } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A maintenance window is written in each recipient's zone: the calendar their agreement names (their
 * organization's, else the default's), with UTC beside it. The activity the broadcast workflow calls for each
 * recipient, against the real store and SMTP sink.
 */
let store: Store;
const tag = randomBytes(3).toString('hex');
const KOLKATA: CalendarSpec = {
  timezone: 'Asia/Kolkata',
  windows: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
    day: day as CalendarSpec['windows'][number]['day'],
    open: '09:00',
    close: '18:00',
  })),
  holidays: [],
};

beforeAll(async () => {
  store = await connectTestStore();
  const now = new Date();
  await store.slaVersions.append('calendar', 'default', SLA_CALENDAR, 'test', now);
  await store.slaVersions.append('calendar', `kolkata-${tag}`, KOLKATA, 'test', now);
  await store.organizations.create({
    id: 'org-0123456789',
    name: `Kolkata ${tag}`,
    domains: [],
    agreement: {
      calendar: `kolkata-${tag}`,
      policy: 'default',
      scope: { training: false, customDevelopment: false, thirdParty: true },
    },
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
});
afterAll(async () => {
  await store?.conn.close();
});

describe('a maintenance announcement', () => {
  it("writes its window in each recipient's own zone", async () => {
    const activities = createAnnouncementActivities(testActivityDeps(store));
    const announcement = {
      id: `Z${tag}`.toUpperCase(),
      kind: 'maintenance' as const,
      title: `Database upgrade ${tag}`,
      body: 'The desk is read-only meanwhile.',
      windowText:
        'Sun 2026-03-01 23:00 UTC-5 – Mon 2026-03-02 01:00 UTC-5 (2026-03-02 04:00 UTC – 2026-03-02 06:00 UTC)',
      window: { from: '2026-03-02T04:00:00Z', to: '2026-03-02T06:00:00Z' },
    };
    const india = { id: `Ci${tag}`, email: `india-${tag}@example.com`, organizationId: 'org-0123456789' };
    const plain = { id: `Cp${tag}`, email: `plain-${tag}@example.com` };
    await activities.sendAnnouncement({ announcement, customer: india });
    await activities.sendAnnouncement({ announcement, customer: plain });
    const mails = await eventually(
      async () => {
        const mine = (await readOutbox(inject('outboxDir'))).filter((m) => m.subject?.includes(tag));
        return mine.length === 2 ? mine : null;
      },
      10_000,
      'both announcement mails',
    );
    const to = (email: string) => mails.find((m) => JSON.stringify(m.to).includes(email))!.text ?? '';
    // 04:00 UTC is 09:30 in Kolkata (UTC+5:30), 23:00 the evening before in the default's fixed UTC-5.
    expect(to(india.email)).toMatch(/Maintenance window: Mon 2026-03-02 09:30 .*– Mon 2026-03-02 11:30 /);
    expect(to(india.email)).not.toMatch(/UTC-5/);
    expect(to(plain.email)).toMatch(/Maintenance window: Sun 2026-03-01 23:00 .*– Mon 2026-03-02 01:00 /);
    for (const email of [india.email, plain.email]) expect(to(email)).toContain('2026-03-02 04:00 UTC');
  });
});
