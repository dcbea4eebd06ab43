// describe-alarms as charts in real headless Chromium: the ops channel asks for the alarms
// in ALARM and the answer shows each alarm's state and reason with its chart as an image
// the browser decoded. Started by crates/chatops/tests/alarm_charts.rs with WEBCHAT_URL, TOKEN
// and SCREEN_DIR; prints one "ok - " line per step and keeps a screenshot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, check, stepper, watch, say, signIn, pickChannel } from './lib.mjs';

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
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const errors = watch(page, 'desktop');
const step = stepper(browser, async () => {
  await page.screenshot({ path: join(screens, 'charts-FAILED.png') });
});

await step('sign in and open the ops channel', async () => {
  await signIn(page, url, token, 'admin');
  await page.locator('#channel-list button[data-channel="ops"]').waitFor({ timeout: SLOW });
  await pickChannel(page, 'ops', 'ops');
});

await step('describe-alarms answers with the alarm and its chart', async () => {
  await say(page, '@aws cloudwatch describe-alarms --state-value ALARM');
  const answer = page.locator('article.msg.bot', { hasText: 'orders-api-errors' }).last();
  await answer.waitFor({ timeout: SLOW });
  const img = answer.locator('img.image');
  await img.first().waitFor({ timeout: SLOW });
  check((await img.count()) === 1, 'one chart');
  const size = await img.first().evaluate((e) => [e.complete, e.naturalWidth, e.naturalHeight]);
  check(size[0] && size[1] === 800 && size[2] === 300, 'the PNG decoded at 800x300: ' + size);
  check((await answer.innerText()).includes('Threshold Crossed'), 'the reason is shown');
  await answer.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screens, 'charts-describe-alarms.png') });
  console.log('screenshot: ' + join(screens, 'charts-describe-alarms.png'));
});

await step('no page errors or console errors', async () => {
  check(errors.length === 0, errors.join('\n'));
});

await browser.close();
