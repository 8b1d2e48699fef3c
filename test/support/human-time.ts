import type { Page, Response } from 'playwright-core';
import { expect } from 'vitest';
import { readOutbox } from './outbox';

/**
 * The check that times people read are written the one way (domain/calendar/readable-time.ts): no seconds, no
 * milliseconds, no bare 'UTC±hh' offset, in any mail of the outbox or any page a browser suite is served.
 */

const SECONDS = /\b\d{1,2}:\d{2}:\d{2}\b/g;
const MILLISECONDS = /\b\d{1,2}:\d{2}:\d{2}[.,]\d{1,3}\b/g;
const BARE_OFFSET = /\b(?:UTC|GMT) ?[+\-−] ?\d{1,2}(?::?\d{2})?\b/g;

/** What is wrong with the times in a text a person reads, one line per finding; empty when nothing is. */
export function humanTimeProblems(text: string): string[] {
  const found = (label: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => `${label}: "${m[0]}"`);
  return [...found('seconds', SECONDS), ...found('milliseconds', MILLISECONDS), ...found('bare offset', BARE_OFFSET)];
}

/**
 * The text a reader sees of an HTML document: no tags (so no `datetime` attributes), no scripts or styles. The
 * console's deadline derivations (`<pre class="explain">`, the same text as `npm run sla -- explain`) are left out:
 * they are the operators' exact arithmetic, instants to the millisecond and the calendar's configured zone included.
 */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<pre class="explain">[\s\S]*?<\/pre>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Every mail in the outbox whose subject or body (text and HTML) writes a time the wrong way, with its findings. */
export async function outboxTimeProblems(outboxDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const mail of await readOutbox(outboxDir)) {
    const read = [mail.subject ?? '', mail.text ?? '', typeof mail.html === 'string' ? visibleText(mail.html) : ''];
    const found = humanTimeProblems(read.join('\n'));
    if (found.length) problems.push(`mail "${mail.subject}" to ${mail.to ? JSON.stringify(mail.to) : '?'}: ${found}`);
  }
  return problems;
}

export async function expectReadableOutbox(outboxDir: string): Promise<void> {
  expect((await readOutbox(outboxDir)).length, 'mails read').toBeGreaterThan(0);
  expect(await outboxTimeProblems(outboxDir)).toEqual([]);
}

/**
 * Reads every HTML document the page is served from now on (navigations, reloads, form posts), so that a suite can
 * check at its end that none of them wrote a time the wrong way. Returns the check.
 */
export function watchPagesForTimes(page: Page): () => Promise<void> {
  const reads: Promise<string[]>[] = [];
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== 'document') return;
    if (!(response.headers()['content-type'] ?? '').includes('text/html')) return;
    const url = response.url();
    reads.push(
      response.text().then(
        (body) => humanTimeProblems(visibleText(body)).map((p) => `${url}: ${p}`),
        // A redirect has no body to read; anything it leads to is read as its own response.
        () => [],
      ),
    );
  };
  page.on('response', onResponse);
  return async () => {
    page.off('response', onResponse);
    const problems = (await Promise.all(reads)).flat();
    expect(reads.length, 'pages read').toBeGreaterThan(0);
    expect(problems).toEqual([]);
  };
}
