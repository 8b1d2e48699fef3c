import { chromium, type Browser } from 'playwright-core';
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
