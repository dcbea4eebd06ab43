// The web chat's user flows in real headless Chromium (/usr/bin/chromium, never a downloaded
// browser). Started by crates/webchat/tests/browser.rs, which serves the chat over a scripted
// handler and passes WEBCHAT_URL, ALICE_TOKEN, BOB_TOKEN and SCREEN_DIR. Prints one "ok - "
// line per step; exits non-zero on the first failure.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WAIT, launch, check, stepper, watch, msg, say, signIn as signInAt, pickChannel } from './lib.mjs';

const url = process.env.WEBCHAT_URL;
const aliceToken = process.env.ALICE_TOKEN;
const bobToken = process.env.BOB_TOKEN;
const screens = process.env.SCREEN_DIR;
if (!url || !aliceToken || !bobToken || !screens) {
  console.error('WEBCHAT_URL, ALICE_TOKEN, BOB_TOKEN and SCREEN_DIR must be set');
  process.exit(2);
}
mkdirSync(screens, { recursive: true });

const signIn = (page, token, user) => signInAt(page, url, token, user);
const pickOps = (page) => pickChannel(page, 'C-OPS', 'ops');

const browser = await launch();
const step = stepper(browser);

const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const alice = await desk.newPage();
const aliceErrors = watch(alice, 'alice');

await step('a wrong token is refused with a message', async () => {
  await alice.goto(url);
  await alice.fill('#token', 'not-the-token-0123456789');
  await alice.click('#signin-form button[type=submit]');
  await alice.locator('#signin-error', { hasText: 'Wrong token.' }).waitFor({ timeout: WAIT });
  check(await alice.isHidden('#app'), 'the chat stays hidden');
});

await step('alice signs in and picks a channel', async () => {
  await signIn(alice, aliceToken, 'alice');
  check((await alice.locator('#channel-list button').count()) === 2, 'two channels listed');
  await pickOps(alice);
});

await step('hello gets a reply with bold and code', async () => {
  await say(alice, 'hello');
  const reply = msg(alice, 'Hello alice, try ask');
  await reply.waitFor({ timeout: WAIT });
  check((await reply.locator('strong').textContent()) === 'alice', '*alice* is bold');
  check((await reply.locator('code').textContent()) === 'ask', '`ask` is code');
  await msg(alice, 'hello').first().waitFor({ timeout: WAIT });
});

await step('a command with backticks, stars and a mention is shown literally, as code', async () => {
  const command = "ec2 describe-instances --query 'R[?x==`1`]' *all* <@alice> <@U1>";
  await say(alice, 'quote ' + command);
  const reply = msg(alice, 'asked for');
  await reply.waitFor({ timeout: WAIT });
  check((await reply.locator('code').count()) === 1, 'one code element');
  check((await reply.locator('code').textContent()) === command, 'the command exactly, in code');
  check((await reply.locator('strong').count()) === 0, 'no bold');
  check((await reply.locator('.mention').count()) === 1, 'only the real mention');
  check((await reply.locator('.mention.you').textContent()) === '@alice', 'the asker, as you');
  const mine = msg(alice, 'quote ec2');
  await mine.waitFor({ timeout: WAIT });
  check((await mine.locator('.text').textContent()) === 'quote ' + command, 'the typed line as typed');
  check((await mine.locator('code, strong, .mention').count()) === 0, 'the typed line has no markup');
});

await step('tables, files and context render; markup in text stays text', async () => {
  await say(alice, 'show');
  const shown = msg(alice, 'not bold');
  await shown.waitFor({ timeout: WAIT });
  check((await shown.locator('.text').textContent()).includes('<b>not bold</b> <script>'), 'markup shown literally');
  check((await alice.evaluate(() => window.pwned)) === undefined, 'no script ran');
  check((await shown.locator('table tbody tr').count()) === 2, 'two table rows');
  check((await shown.locator('th').first().textContent()) === 'FunctionName', 'table header');
  const file = shown.locator('a.file');
  check((await file.getAttribute('download')) === 'result.json', 'file download name');
  check((await file.getAttribute('href')).startsWith('blob:'), 'file as a blob link');
  const [download] = await Promise.all([alice.waitForEvent('download', { timeout: WAIT }), file.click()]);
  check(download.suggestedFilename() === 'result.json', 'download named result.json');
  check((await shown.locator('.context').textContent()) === 'took 12 ms', 'context line');
  const img = shown.locator('img.image');
  check((await img.getAttribute('alt')) === 'CPU chart', 'image with its alt text');
  check(await img.evaluate((i) => i.complete && i.naturalWidth === 1), 'inline image loaded');
});

let askId;
await step('a menu choice is sent as an action', async () => {
  await say(alice, 'ask');
  const ask = msg(alice, 'Which function').last();
  await ask.waitFor({ timeout: WAIT });
  askId = await ask.getAttribute('data-id');
  check((await ask.locator('.context code').textContent()) === 'prod', 'context renders code');
  await ask.locator('select').selectOption('fn-beta');
  await ask.locator('.menu button').click();
  await msg(alice, 'alice chose fn-beta').waitFor({ timeout: WAIT });
});

await step('Run updates the message in place and posts the result', async () => {
  const ask = alice.locator(`article.msg[data-id="${askId}"]`);
  check((await ask.locator('button.btn.primary').textContent()) === 'Run', 'Run is primary');
  check((await ask.locator('button.btn.danger').textContent()) === 'Cancel', 'Cancel is danger');
  const before = await alice.locator('article.msg').count();
  await ask.locator('button', { hasText: 'Run' }).click();
  await alice.locator(`article.msg[data-id="${askId}"]`, { hasText: 'Run by alice' }).waitFor({ timeout: WAIT });
  check((await alice.locator(`article.msg[data-id="${askId}"] button.btn`).count()) === 0, 'buttons replaced');
  const result = alice.locator('article.msg pre.code', { hasText: '"ran": "cmd-1"' });
  await result.waitFor({ timeout: WAIT });
  check((await alice.locator('article.msg').count()) === before + 1, 'updated in place, one new message');
  const order = await alice.locator('article.msg').evaluateAll((els) => els.map((e) => e.dataset.id));
  check(order.indexOf(askId) < order.length - 1, 'the updated message kept its place');
});

await step('a button with confirm asks first', async () => {
  await say(alice, 'ask');
  const ask = msg(alice, 'Which function').last();
  await ask.waitFor({ timeout: WAIT });
  const id = await ask.getAttribute('data-id');
  alice.once('dialog', (d) => { check(d.message() === 'Cancel this command?', 'confirm text'); d.dismiss(); });
  await ask.locator('button', { hasText: 'Cancel' }).click();
  await alice.waitForTimeout(300);
  check(await ask.locator('button', { hasText: 'Cancel' }).isVisible(), 'dismissed: nothing sent');
  alice.once('dialog', (d) => d.accept());
  await ask.locator('button', { hasText: 'Cancel' }).click();
  await alice.locator(`article.msg[data-id="${id}"]`, { hasText: 'Cancelled by alice' }).waitFor({ timeout: WAIT });
});

await step('a form is submitted with its values', async () => {
  await say(alice, 'form');
  const form = alice.locator('article.msg form.form').last();
  await form.waitFor({ timeout: WAIT });
  check((await form.locator('textarea').count()) === 1, 'multiline field is a textarea');
  await form.getByLabel('Subject').fill('Disk full');
  await form.getByLabel('Severity').selectOption('high');
  await form.getByLabel('Description (optional)').fill('on /var');
  await form.locator('button[type=submit]').click();
  await msg(alice, 'Form from alice: subject=Disk full, severity=high, body=on /var').waitFor({ timeout: WAIT });
});

await step('a reply in a thread is marked', async () => {
  await msg(alice, 'Hello alice, try ask').first().locator('button.reply').click();
  check(await alice.isVisible('#thread-bar'), 'thread bar shown');
  await say(alice, 'threaded words');
  await msg(alice, 'echo: threaded words').locator('.tag.thread').waitFor({ timeout: WAIT });
  await alice.click('#thread-clear');
});

const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const bob = await other.newPage();
const bobErrors = watch(bob, 'bob');

await step('a second user sees the channel but not only-to messages', async () => {
  await signIn(bob, bobToken, 'bob');
  await pickOps(bob);
  await msg(bob, 'Run by alice').waitFor({ timeout: WAIT });
  await say(alice, 'secret');
  const secret = msg(alice, 'Only alice sees this');
  await secret.waitFor({ timeout: WAIT });
  check(await secret.locator('.tag.private').isVisible(), 'marked only visible to you');
  await say(alice, 'after the secret');
  await msg(bob, 'echo: after the secret').waitFor({ timeout: WAIT });
  check((await msg(bob, 'Only alice sees this').count()) === 0, 'bob never sees the secret');
  check((await msg(bob, 'secret').count()) >= 1, 'bob sees what alice typed');
});

await step('updates reach the other user live', async () => {
  await say(bob, 'ask');
  const ask = msg(bob, 'Which function').last();
  await ask.waitFor({ timeout: WAIT });
  const id = await ask.getAttribute('data-id');
  await alice.locator(`article.msg[data-id="${id}"] button`, { hasText: 'Run' }).click();
  await bob.locator(`article.msg[data-id="${id}"]`, { hasText: 'Run by alice' }).waitFor({ timeout: WAIT });
});

await step('the API answers 401 without a session', async () => {
  const anon = await browser.newContext();
  const page = await anon.newPage();
  await page.goto(url);
  const statuses = await page.evaluate(async () => {
    const out = [];
    for (const p of ['/api/me', '/api/channels', '/api/history?workspace=web&channel=C-OPS']) {
      out.push((await fetch(p)).status);
    }
    return out;
  });
  check(statuses.every((s) => s === 401), 'all 401: ' + statuses);
  const mine = await alice.evaluate(async () => (await fetch('/api/channels')).status);
  check(mine === 200, 'alice gets 200');
  const cookieVisible = await alice.evaluate(() => document.cookie);
  check(!cookieVisible.includes('chatops_session'), 'the session cookie is HttpOnly');
  await anon.close();
});

await step('a reload shows the recent messages of the same channel', async () => {
  await alice.reload();
  await alice.locator('#channel-title', { hasText: '# ops' }).waitFor({ timeout: WAIT });
  await msg(alice, 'Run by alice').first().waitFor({ timeout: WAIT });
  await msg(alice, 'Only alice sees this').waitFor({ timeout: WAIT });
});

const shots = [];
await step('desktop screenshot (1280x800)', async () => {
  await say(alice, 'show');
  await say(alice, 'ask');
  await msg(alice, 'Which function').last().waitFor({ timeout: WAIT });
  await alice.waitForTimeout(200);
  const path = join(screens, 'desktop-1280x800.png');
  await alice.screenshot({ path });
  shots.push(path);
});

await step('on a phone (390x844) everything fits and works', async () => {
  const phoneCtx = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const phone = await phoneCtx.newPage();
  const phoneErrors = watch(phone, 'phone');
  await phone.goto(url);
  await phone.locator('#signin').waitFor({ timeout: WAIT });
  const signinPath = join(screens, 'phone-signin-390x844.png');
  await phone.screenshot({ path: signinPath });
  shots.push(signinPath);
  await signIn(phone, aliceToken, 'alice');
  await pickOps(phone);
  await say(phone, 'ask');
  await msg(phone, 'Which function').last().waitFor({ timeout: WAIT });
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, 'no sideways scrolling: ' + width);
  const box = await phone.locator('#input').boundingBox();
  check(box && box.y + box.height <= 844, 'composer on screen');
  const path = join(screens, 'phone-390x844.png');
  await phone.screenshot({ path });
  shots.push(path);
  check(phoneErrors.length === 0, phoneErrors.join('\n'));
  await phoneCtx.close();
});

await step('signing out ends the session', async () => {
  await alice.click('#signout');
  await alice.locator('#signin').waitFor({ state: 'visible', timeout: WAIT });
  const status = await alice.evaluate(async () => (await fetch('/api/me')).status);
  check(status === 401, 'me is 401 after sign-out: ' + status);
});

await step('no page errors or console errors', async () => {
  const all = aliceErrors.concat(bobErrors);
  check(all.length === 0, all.join('\n'));
});

await browser.close();
for (const s of shots) console.log('screenshot: ' + s);
console.log('ALL FLOWS PASSED');
