import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { consoleLogin } from '../support/console';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A ticket outside its agreement's scope is in view while it is reviewed: the form's confirmation, the private
 * page and the portal say it is under review until when and what happens then; the console queue shows it with a
 * badge of its own, sorted by the review's end; agents can reply and assign during the review.
 * On an always-open calendar, so business time is wall time whatever the hour the test runs at.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy: DEFAULT_POLICY } });
});
afterAll(async () => {
  await stack?.close();
});

const tag = randomBytes(3).toString('hex');

/** Sends the web form as a browser would; the confirmation page, the ticket number and its private link. */
async function sendForm(email: string, subject: string, category: string) {
  const b = browserLike(stack.baseUrl);
  const form = await b.get('/');
  const sent = await b.post('/', {
    csrf: b.csrfOf(form.page),
    email,
    subject,
    description: 'How do I set up reports for my team?',
    category,
    priority: 'normal',
    contact: 'web',
  });
  expect(sent.status).toBe(201);
  return {
    page: sent.page,
    ticketId: /id="ticket-number">#([0-9A-Z]{10})/.exec(sent.page)![1]!,
    link: /id="private-link"\s+href="([^"]+)"/.exec(sent.page)?.[1],
  };
}

const text = (page: string) => page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a ticket under scope review', () => {
  it('is under review on the confirmation, the private page and the portal, and has its own place in the queue', async () => {
    const email = `learner-${tag}@example.com`;
    const review = await sendForm(email, `Training please ${tag}`, 'training');
    const confirmation = text(review.page);
    expect(confirmation).toMatch(/Your request is under review until \S+/);
    expect(confirmation).toMatch(/otherwise it closes at that time as out of scope/);
    expect(confirmation).not.toMatch(/due by within/);
    expect(confirmation).not.toMatch(/acknowledgement/);

    const privatePage = await eventually(
      async () => {
        const page = text(await (await fetch(`${stack.baseUrl}${review.link}`)).text());
        return /Status: under review/.test(page) ? page : null;
      },
      10_000,
      'the private page',
    );
    expect(privatePage).toMatch(/under review until \S+/);
    expect(privatePage).toMatch(/The service level clocks start once your request is accepted/);
    // The agreement the ticket is pinned to: its hours and its targets for the ticket's priority.
    expect(privatePage).toMatch(
      /Support hours are every day, around the clock .*For normal priority your agreement sets a first response within 24 hours of support time/,
    );

    // A ticket in scope whose first response (24 business hours) is due after the review's end (8).
    const inScope = await sendForm(`other-${tag}@example.com`, `Export fails ${tag}`, 'bug');

    const cookie = await consoleLogin(stack.baseUrl, stack.adminKey);
    const queue = await eventually(
      async () => {
        const page = await (await fetch(`${stack.baseUrl}/console?q=${tag}`, { headers: { cookie } })).text();
        return page.includes(`data-ticket-id="${inScope.ticketId}"`) && /data-sla-state="review"/.test(page)
          ? page
          : null;
      },
      15_000,
      'both tickets in the queue, one under review',
    );
    const rows = [...queue.matchAll(/<tr\s+class="sla-(\w+)"\s+data-ticket-id="([0-9A-Z]{10})"/g)].map((m) => [
      m[2],
      m[1],
    ]);
    // Sorted by the review's end, before the in-scope ticket's later first-response deadline.
    expect(rows).toEqual([
      [review.ticketId, 'review'],
      [inScope.ticketId, 'ok'],
    ]);
    expect(text(queue)).toMatch(new RegExp(`#${review.ticketId} .*scope review`));

    const ticketPage = await (
      await fetch(`${stack.baseUrl}/console/tickets/${review.ticketId}`, { headers: { cookie } })
    ).text();
    expect(text(ticketPage)).toMatch(
      /Under scope review: training is outside this ticket's agreement\. It closes as out/,
    );
    expect(ticketPage).toMatch(/<span class="sla review" id="sla-state">scope review<\/span>/);
    expect(ticketPage).toContain('id="action-reply"');
    expect(ticketPage).toContain('id="action-assign"');
    expect(ticketPage).toContain('id="action-note"');

    const portal = browserLike(stack.baseUrl);
    await signIn(portal, inject('outboxDir'), email);
    const list = text((await portal.get('/portal')).page);
    expect(list).toMatch(new RegExp(`#${review.ticketId} .*under review .*review ends \\S+`));
    const one = text((await portal.get(`/portal/tickets/${review.ticketId}`)).page);
    expect(one).toMatch(/Status under review/);
    expect(one).toMatch(/This request is under review until \S+ .*otherwise it closes at that time as out of scope/);
  });
});
