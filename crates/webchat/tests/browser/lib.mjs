// Helpers shared by the browser flows (flows.mjs: the page over a scripted handler;
// engine_flows.mjs: the page over the real engine and moto). Chromium is always Debian's
// /usr/bin/chromium, never a downloaded browser.
import { chromium } from 'playwright-core';

export const WAIT = 10_000;

/** Launches headless /usr/bin/chromium. */
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export function check(cond, what) {
  if (!cond) throw new Error(what);
}

/**
 * A `step(name, fn)` that prints "ok - name" when fn succeeds; on failure prints
 * "FAIL - name: error", runs `onFail` (say, a screenshot), closes the browser and exits 1.
 */
export function stepper(browser, onFail) {
  return async function step(name, fn) {
    try {
      await fn();
      console.log('ok - ' + name);
    } catch (e) {
      console.log('FAIL - ' + name + ': ' + (e && e.stack ? e.stack : e));
      if (onFail) await Promise.resolve(onFail(name)).catch(() => {});
      await browser.close().catch(() => {});
      process.exit(1);
    }
  };
}

/** Errors the page logged, other than the 401s the flows provoke on purpose. */
export function watch(page, label) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(label + ' page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(label + ' console: ' + m.text());
  });
  return errors;
}

export const msg = (page, text) => page.locator('article.msg', { hasText: text });

export async function say(page, text) {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

export async function signIn(page, url, token, user) {
  await page.goto(url);
  await page.locator('#signin').waitFor({ state: 'visible', timeout: WAIT });
  await page.fill('#token', token);
  await page.click('#signin-form button[type=submit]');
  await page.locator('#app').waitFor({ state: 'visible', timeout: WAIT });
  check((await page.textContent('#me')) === user, 'signed in as ' + user);
}

/** Picks a channel by its id and waits until the page shows it, connected. */
export async function pickChannel(page, id, name) {
  await page.click(`#channel-list button[data-channel="${id}"]`);
  await page.locator('#channel-title', { hasText: '# ' + name }).waitFor({ timeout: WAIT });
  await page.locator('#status.live').waitFor({ timeout: WAIT });
}
