import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** Debian's chromium, headless, with nothing running in the background that could reach the network. */
export function launchChromium(): Promise<Browser> {
  // launch() gives every run a fresh temporary user-data-dir of its own (and deletes it on close).
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * What the browser refuses under the page's Content Security Policy, as it happens: a refused stylesheet leaves a
 * page unstyled (and as wide as its longest line), a refused script leaves it without its countdowns.
 */
export function cspRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(`${page.url()}: ${m.text()}`);
  });
  return refused;
}
