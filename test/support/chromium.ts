import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether browser tests can run. Outside CI they skip, with a message, where
 * Chromium is absent; under CI=true they must run, so absence is a failure.
 */
export function chromiumAvailable(): boolean {
  const present = existsSync(CHROMIUM_PATH);
  if (!present && process.env.CI !== 'true') {
    console.warn(`browser tests skipped: ${CHROMIUM_PATH} not found (apt-get install chromium)`);
  }
  return present || process.env.CI === 'true';
}

/** Launches Debian's Chromium headless; playwright gives it a fresh profile. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  // The machine has no network beyond loopback: background services would
  // only fail, slowly, so they are switched off.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, close: () => browser.close() };
}
