import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WEEKDAYS } from '../../domain/calendar';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Which calendar a ticket's pages read it in, through the real API, console and portal: the versions it was opened
 * under while its organization's agreement changes, those a re-timing moves it to, those an older ticket's agreement
 * version names, and the default standing in (said so) for a calendar deleted since.
 */

const daily = (timezone: string, open: string, close: string) => ({
  timezone,
  windows: WEEKDAYS.map((day) => ({ day, open, close })),
  holidays: [],
});
const scope = { training: false, customDevelopment: false, thirdParty: false };
const agreement = (calendar: string) => ({ calendar, policy: 'default', scope });

let stack: TestStack;
let admin: ApiClient;
let cookie = '';
const orgs = { Globex: '', Initrode: '', Umbrella: '' };
let hans = '';
let lena = '';

const html = async (path: string) => (await fetch(`${stack.baseUrl}${path}`, { headers: { cookie } })).text();
/** The SLA clocks table of a ticket's console page, and what the page says about its terms. */
async function ticketPage(id: string) {
  const page = await html(`/console/tickets/${id}`);
  return {
    clocks: /<table id="clocks"[^>]*>[\s\S]*?<\/table>/.exec(page)?.[0] ?? '',
    calendar: /data-calendar="([^"]*)"/.exec(page)?.[1],
    standIn: /id="terms-stand-in">([^<]*)</.exec(page)?.[1],
  };
}
/** A ticket's row in the console's queue. */
const queueRow = async (id: string) =>
  new RegExp(`<tr\\s[^>]*data-ticket-id="${id}"[\\s\\S]*?</tr>`).exec(await html('/console'))?.[0] ?? '';
async function organization(name: string, calendar: string): Promise<string> {
  const org = await admin.post('/api/v1/organizations', {
    name,
    domains: [`${name.toLowerCase()}.example`],
    agreement: agreement(calendar),
  });
  expect(org.status).toBe(201);
  return org.body.id as string;
}
/**
 * A ticket of a member of the organization whose domain the address is at: an admin names the member first (typing
 * an address at a domain does not make anyone a member; desk/customers.ts), then the ticket is opened for them.
 */
async function open(email: string): Promise<string> {
  expect((await admin.post('/api/v1/users', { role: 'customer', name: email, email })).status).toBe(201);
  const opened = await admin.post('/api/v1/tickets', {
    subject: `From ${email}`,
    description: 'd',
    category: 'bug',
    priority: 'normal',
    customerEmail: email,
  });
  return opened.body.id as string;
}
/** The calendars whose zones the page's times are written in, by the names people read (CET or CEST by season). */
const ZONE_NAMES: Record<string, string> = {
  CET: 'Europe/Berlin',
  CEST: 'Europe/Berlin',
  JST: 'Asia/Tokyo',
  EST: 'UTC-5',
};
const zonesIn = (text: string) => [
  ...new Set([...text.matchAll(/<time class="when"[^>]*>[^<]* (CEST|CET|JST|EST)</g)].map((m) => ZONE_NAMES[m[1]!])),
];

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  cookie = await consoleLogin(stack.baseUrl, stack.adminKey);
  for (const [id, spec] of [
    ['berlin-days', daily('Europe/Berlin', '08:00', '20:00')],
    ['tokyo-days', daily('Asia/Tokyo', '09:00', '18:00')],
  ] as const) {
    expect((await admin.post('/api/v1/sla/calendars', { id, ...spec })).status).toBe(201);
  }
  for (const name of ['Globex', 'Initrode'] as const) orgs[name] = await organization(name, 'berlin-days');
  hans = await open('hans@globex.example');
  lena = await open('lena@initrode.example');
  // Lena's ticket as stored before tickets recorded their versions: only `slaVersion` names its agreement's.
  await stack.store.conn.db!.collection('tickets').updateOne({ _id: lena } as never, { $unset: { pinned: 1 } });
  await eventually(
    async () => (await html('/console')).includes(`data-ticket-id="${lena}"`),
    15_000,
    'the tickets in the queue',
  );
});
afterAll(async () => {
  await stack?.close();
});

describe("a ticket's pages under its own calendar", () => {
  it("keep the versions it was opened under when its organization's agreement changes, until a re-timing moves it", async () => {
    expect(
      (
        await admin.put(`/api/v1/organizations/${orgs.Globex}`, {
          name: 'Globex',
          domains: ['globex.example'],
          agreement: agreement('tokyo-days'),
        })
      ).status,
    ).toBe(200);
    const before = await ticketPage(hans);
    expect([before.calendar, zonesIn(before.clocks)]).toEqual(['berlin-days@1', ['Europe/Berlin']]);
    expect(zonesIn(await queueRow(hans))).toEqual(['Europe/Berlin']);
    const portal = browserLike(stack.baseUrl);
    await signIn(portal, inject('outboxDir'), 'hans@globex.example');
    const portalPage = async () => (await portal.get(`/portal/tickets/${hans}`)).page;
    expect(await portalPage()).toMatch(/\d{2}:\d{2} CES?T</);
    expect(await portalPage()).not.toMatch(/\d{2}:\d{2} JST</);
    // The list too: the row keeps the ticket's own calendar, not the customer's agreement in force.
    const portalRow = async () =>
      new RegExp(`<tr data-ticket="${hans}">[\\s\\S]*?</tr>`).exec((await portal.get('/portal')).page)?.[0] ?? '';
    expect(await portalRow()).toMatch(/\d{2}:\d{2} CES?T</);
    expect(await portalRow()).not.toMatch(/\d{2}:\d{2} JST</);
    // The API names the versions in `sla`; the ones recorded at receipt stay internal.
    expect((await admin.get(`/api/v1/tickets/${hans}`)).body).not.toHaveProperty('pinned');

    expect((await admin.post(`/api/v1/organizations/${orgs.Globex}/retime`)).body).toMatchObject({
      retimed: 1,
      failed: 0,
    });
    const after = await ticketPage(hans);
    expect([after.calendar, zonesIn(after.clocks)]).toEqual(['tokyo-days@1', ['Asia/Tokyo']]);
    // Lists read the versions the worker records on the ticket with the re-timing's timeline event, right after the change.
    await eventually(
      async () => zonesIn(await queueRow(hans)).includes('Asia/Tokyo'),
      10_000,
      'the re-timed row in Tokyo time',
    );
    expect(zonesIn(await queueRow(hans))).toEqual(['Asia/Tokyo']);
    expect(await portalPage()).toMatch(/\d{2}:\d{2} JST</);
    expect(await portalPage()).not.toMatch(/\d{2}:\d{2} CES?T</);
    expect(await portalRow()).toMatch(/\d{2}:\d{2} JST</);
    expect(await portalRow()).not.toMatch(/\d{2}:\d{2} CES?T</);
    // A late retry of an older re-timing's record changes nothing.
    await stack.store.tickets.repin(
      hans,
      { calendar: { id: 'berlin-days', version: 1 }, policy: { id: 'default', version: 1 } },
      new Date(Date.now() - 60_000),
    );
    expect((await stack.store.tickets.get(hans))?.pinned?.calendar).toEqual({ id: 'tokyo-days', version: 1 });
  });

  it('read a ticket stored before its versions were recorded in the calendar its agreement version names', async () => {
    expect(
      (
        await admin.put(`/api/v1/organizations/${orgs.Initrode}`, {
          name: 'Initrode',
          domains: ['initrode.example'],
          agreement: agreement('tokyo-days'),
        })
      ).status,
    ).toBe(200);
    expect(zonesIn(await queueRow(lena))).toEqual(['Europe/Berlin']);
  });

  it('fall back to the default, saying so, once the calendar a ticket names is deleted', async () => {
    // A calendar this process never read (one it had read stays known a while: its copy was the ticket's).
    expect(
      (await admin.post('/api/v1/sla/calendars', { id: 'paris-days', ...daily('Europe/Paris', '09:00', '17:00') }))
        .status,
    ).toBe(201);
    orgs.Umbrella = await organization('Umbrella', 'paris-days');
    const otto = await open('otto@umbrella.example');
    expect(
      (
        await admin.put(`/api/v1/organizations/${orgs.Umbrella}`, {
          name: 'Umbrella',
          domains: ['umbrella.example'],
          agreement: agreement('tokyo-days'),
        })
      ).status,
    ).toBe(200);
    expect((await admin.delete('/api/v1/sla/calendars/paris-days')).status).toBe(204);
    const page = await ticketPage(otto);
    expect(page.standIn).toContain('calendar paris-days@1 is no longer stored');
    expect([page.calendar, zonesIn(page.clocks)]).toEqual(['default', ['UTC-5']]);
  });
});
