// The demo's conversations in real headless Chromium, over the real engine: `chatops serve` on
// the demo configuration (examples/demo/chatops.toml.in) against moto seeded by
// scripts/seed_demo.py. Started by crates/chatops/tests/web_demo_browser.rs, which passes
// WEBCHAT_URL, TOKEN (the one `chatops serve` printed) and SCREEN_DIR. Prints one "ok - " line
// per step and "screenshot: PATH" per screenshot; exits non-zero on the first failure (after a
// screenshot of the failing page and the texts of its last messages).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WAIT, launch, check, stepper, watch, msg, say, signIn, pickChannel } from './lib.mjs';

const url = process.env.WEBCHAT_URL;
const token = process.env.TOKEN;
const screens = process.env.SCREEN_DIR;
if (!url || !token || !screens) {
  console.error('WEBCHAT_URL, TOKEN and SCREEN_DIR must be set');
  process.exit(2);
}
mkdirSync(screens, { recursive: true });
// AWS calls go to moto; a slow machine gets more time than the page-only flows.
const SLOW = 30_000;

const browser = await launch();
const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await desk.newPage();
const errors = watch(page, 'desktop');

const shots = [];
let shotNo = 0;
async function shot(p, name) {
  shotNo += 1;
  const path = join(screens, `engine-${String(shotNo).padStart(2, '0')}-${name}.png`);
  await p.waitForTimeout(150);
  await p.screenshot({ path });
  shots.push(path);
  console.log('screenshot: ' + path);
}

const step = stepper(browser, async (name) => {
  const texts = await page.locator('article.msg').evaluateAll((els) => els.slice(-6).map((e) => e.innerText));
  console.log('--- last messages on the page ---\n' + texts.join('\n---\n'));
  console.log('--- notice: ' + (await page.textContent('#notice')));
  const path = join(screens, 'engine-FAILED.png');
  await page.screenshot({ path });
  console.log('screenshot: ' + path);
});

/** The newest message by the bot containing `text`, once it is there. */
async function reply(text, timeout = SLOW) {
  const m = page.locator('article.msg.bot', { hasText: text }).last();
  await m.waitFor({ timeout });
  return m;
}

/** Says `text` and waits for a new bot message containing `expect`. */
async function ask(text, expect) {
  const before = await page.locator('article.msg.bot', { hasText: expect }).count();
  await say(page, text);
  await page.waitForFunction(
    ([want, n]) => Array.from(document.querySelectorAll('article.msg.bot')).filter((e) => e.innerText.includes(want)).length > n,
    [expect, before],
    { timeout: SLOW },
  );
  return page.locator('article.msg.bot', { hasText: expect }).last();
}

/**
 * In a channel with two accounts the first command asks which account to use: answers dev
 * when asked (the question is the newest bot message).
 */
async function answerAccount(account) {
  const q = page.locator('article.msg.bot', { hasText: 'Which account should' }).last();
  if ((await q.count()) === 0 || (await q.locator('button.btn').count()) === 0) return false;
  await q.locator('button.btn', { hasText: account }).click();
  await q.locator('button.btn').first().waitFor({ state: 'detached', timeout: SLOW });
  return true;
}

await step('sign in with the token chatops serve printed', async () => {
  await signIn(page, url, token, 'admin');
  // The list renders after sign-in: wait for the channels checked, then read it.
  for (const name of ['general', 'ops']) {
    await page.locator('#channel-list button', { hasText: name }).first().waitFor({ timeout: SLOW });
  }
  const names = await page.locator('#channel-list button').allTextContents();
  check(names.join(',').includes('general') && names.join(',').includes('ops'), 'channels: ' + names);
  await shot(page, 'signed-in');
});

await step('read-only channel: lambda list-functions lists the seeded functions', async () => {
  await pickChannel(page, 'general', 'general');
  await say(page, '@aws lambda list-functions');
  const first = await Promise.race([
    reply('Which account should').then(() => 'account'),
    reply('nightly-report').then(() => 'result'),
  ]);
  if (first === 'account') {
    await shot(page, 'which-account');
    check(await answerAccount('dev'), 'the account question has buttons');
  }
  const result = await reply('nightly-report');
  const text = await result.innerText();
  for (const fn of ['orders-api', 'thumbnail-generator', 'nightly-report']) check(text.includes(fn), 'lists ' + fn);
  await shot(page, 'list-functions');
});

await step('get-function: the missing function name is chosen from the offered functions', async () => {
  const prompt = await ask('@aws lambda get-function', 'function-name');
  const choices = prompt.locator('button.btn', { hasText: 'orders-api' });
  if ((await choices.count()) > 0) {
    await shot(page, 'get-function-choices');
    await choices.first().click();
  } else {
    const select = prompt.locator('select');
    check((await select.count()) === 1, 'the prompt offers buttons or a menu');
    await select.selectOption('orders-api');
    await shot(page, 'get-function-menu');
    await prompt.locator('.menu button').click();
  }
  const result = await reply('FunctionArn');
  const text = await result.innerText();
  check(text.includes('orders-api'), 'the result is orders-api');
  check(!text.includes('s3cr3t-Pa55w0rd-demo'), 'the database password is masked');
  await shot(page, 'get-function-result');
});

let confirmId;
await step('ops channel: a write asks for Run with account, region and role', async () => {
  await pickChannel(page, 'ops', 'ops');
  const cmd = '@aws cloudwatch set-alarm-state --alarm-name orders-api-errors --state-value OK --state-reason demo';
  await say(page, cmd);
  const first = await Promise.race([
    reply('Which account should').then(() => 'account'),
    reply('wants to run a command that changes resources').then(() => 'confirm'),
  ]);
  if (first === 'account') check(await answerAccount('dev'), 'the account question has buttons');
  const confirm = await reply('wants to run a command that changes resources');
  confirmId = await confirm.getAttribute('data-id');
  const text = await confirm.innerText();
  check(text.includes('aws cloudwatch set-alarm-state --alarm-name orders-api-errors'), 'shows the command');
  check(text.includes('account dev (123456789012)'), 'shows the account: ' + text);
  check(text.includes('region us-east-1'), 'shows the region: ' + text);
  check(text.includes('role admin'), 'shows the role: ' + text);
  check((await confirm.locator('button.btn.primary', { hasText: 'Run' }).count()) === 1, 'a Run button');
  check((await confirm.locator('button.btn', { hasText: 'Cancel' }).count()) === 1, 'a Cancel button');
  await shot(page, 'confirmation');
});

await step('Run: the confirmation becomes "Run by" in place and the result follows', async () => {
  const confirm = page.locator(`article.msg[data-id="${confirmId}"]`);
  await confirm.locator('button.btn', { hasText: 'Run' }).click();
  await page.locator(`article.msg[data-id="${confirmId}"]`, { hasText: 'Run by' }).waitFor({ timeout: SLOW });
  check((await page.locator(`article.msg[data-id="${confirmId}"] button.btn`).count()) === 0, 'the buttons are gone');
  await page.waitForTimeout(500);
  await shot(page, 'run-by');
  // describe-alarms answers in chart form: each alarm's state, name and reason.
  const alarm = await ask('@aws cloudwatch describe-alarms --alarm-names orders-api-errors', 'orders-api-errors');
  check((await alarm.innerText()).includes('OK orders-api-errors'), 'the alarm is OK now');
});

await step('a denial shows its reason', async () => {
  const denial = await ask('@aws lambda delete-function --function-name orders-api', 'Not run');
  const text = await denial.innerText();
  check(text.includes('lambda:DeleteFunction'), 'names the action: ' + text);
  check(/guardrail/i.test(text), 'gives the reason: ' + text);
  await shot(page, 'denial');
});

await step('set default-account: prod is chosen and a command runs in prod (eu-west-1)', async () => {
  const q = await ask('@aws set default-account', 'prod');
  await shot(page, 'set-default-account');
  await q.locator('button.btn', { hasText: 'prod' }).click();
  await reply('prod');
  const result = await ask('@aws lambda list-functions', 'payments-webhook');
  const text = await result.innerText();
  check(text.includes('"FunctionArn": "arn:aws:lambda:eu-west-1:210987654321:function:'), 'prod functions: ' + text.slice(0, 400));
  check(text.includes('account prod (210987654321) · region eu-west-1'), 'ran in prod, eu-west-1: ' + text.slice(-300));
  await shot(page, 'prod');
});

await step('an alias is created and run with its variable', async () => {
  await ask('@aws alias create alarms cloudwatch describe-alarms --state-value $state', 'alarms');
  const result = await ask('@aws run alarms ALARM', 'payments-webhook-errors');
  const text = await result.innerText();
  check(text.includes('ALARM payments-webhook-errors'), 'alarms in ALARM: ' + text.slice(0, 300));
  check(!text.includes('thumbnail-generator-errors'), 'only alarms in ALARM');
  await shot(page, 'alias');
});

await step('on a phone (390x844) the conversation fits', async () => {
  const phoneCtx = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const phone = await phoneCtx.newPage();
  const phoneErrors = watch(phone, 'phone');
  await signIn(phone, url, token, 'admin');
  await pickChannel(phone, 'ops', 'ops');
  await phone.locator('article.msg', { hasText: 'Run by' }).first().waitFor({ timeout: WAIT });
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, 'no sideways scrolling: ' + width);
  const runBy = phone.locator(`article.msg[data-id="${confirmId}"]`);
  check((await runBy.locator('.mention', { hasText: '@admin' }).count()) === 1, 'the mention is there');
  check(await runBy.locator('.mention').isVisible(), 'the mention is shown on a phone');
  const path = join(screens, 'engine-phone-390x844.png');
  await phone.screenshot({ path });
  shots.push(path);
  console.log('screenshot: ' + path);
  // Scrolled up to the confirmation that was run.
  await phone.locator(`article.msg[data-id="${confirmId}"]`).scrollIntoViewIfNeeded();
  const path2 = join(screens, 'engine-phone-run-by-390x844.png');
  await phone.screenshot({ path: path2 });
  shots.push(path2);
  console.log('screenshot: ' + path2);
  check(phoneErrors.length === 0, phoneErrors.join('\n'));
  await phoneCtx.close();
});

await step('no page errors or console errors', async () => {
  check(errors.length === 0, errors.join('\n'));
});

await browser.close();
console.log('ALL ENGINE FLOWS PASSED');
