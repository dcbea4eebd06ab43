// Notifications in real headless Chromium: an alarm published to moto's SNS topic arrives in
// the channel while the page is open, and its OK lands in the alarm's thread while the first
// message changes in place. Started by crates/chatops/tests/notifications_browser.rs, which
// passes WEBCHAT_URL, TOKEN and SCREEN_DIR, publishes the ALARM before starting this script
// and the OK once it prints "ready". Prints one "ok - " line per step.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, check, stepper, watch, signIn, pickChannel } from './lib.mjs';

const url = process.env.WEBCHAT_URL;
const token = process.env.TOKEN;
const screens = process.env.SCREEN_DIR;
if (!url || !token || !screens) {
  console.error('WEBCHAT_URL, TOKEN and SCREEN_DIR must be set');
  process.exit(2);
}
mkdirSync(screens, { recursive: true });
const SLOW = 30_000;

const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const errors = watch(page, 'desktop');
const step = stepper(browser, async () => {
  const texts = await page.locator('article.msg').evaluateAll((els) => els.slice(-6).map((e) => e.innerText));
  console.log('--- last messages on the page ---\n' + texts.join('\n---\n'));
  await page.screenshot({ path: join(screens, 'notifications-FAILED.png') });
});

const alarm = () => page.locator('article.msg.bot', { hasText: 'orders-api-errors' });

await step('sign in and open the ops channel', async () => {
  await signIn(page, url, token, 'admin');
  await page.locator('#channel-list button[data-channel="ops"]').waitFor({ timeout: SLOW });
  await pickChannel(page, 'ops', 'ops');
});

await step('the ALARM notification is in the channel, not in a thread', async () => {
  const root = alarm().first();
  await root.waitFor({ timeout: SLOW });
  const text = await root.innerText();
  check(text.includes('ALARM'), 'the state is shown: ' + text);
  check(text.includes('Threshold Crossed'), 'the reason is shown: ' + text);
  check((await root.locator('.tag.thread').count()) === 0, 'the first message is not a reply');
  await page.screenshot({ path: join(screens, 'notifications-1-alarm.png') });
});

console.log('ready');

await step('the OK arrives live in the alarm thread', async () => {
  const reply = page.locator('article.msg.bot', { hasText: 'OK' }).filter({ has: page.locator('.tag.thread') });
  await reply.first().waitFor({ timeout: SLOW });
  check((await reply.count()) === 1, 'one reply in the thread');
});

await step('the first message now shows the current state and the thread count', async () => {
  const updated = page.locator('article.msg.bot', { hasText: '1 update in the thread' });
  await updated.first().waitFor({ timeout: SLOW });
  check((await updated.first().locator('.tag.thread').count()) === 0, 'the updated message is the first one');
  check((await alarm().count()) === 2, 'two messages about the alarm: the first and the reply');
  await page.screenshot({ path: join(screens, 'notifications-2-resolved.png') });
});

await step('no page errors or console errors', async () => {
  check(errors.length === 0, errors.join('\n'));
});

await browser.close();
