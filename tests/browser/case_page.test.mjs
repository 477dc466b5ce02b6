// The case page of `policyproof serve` in headless Chromium (Debian's), driven
// by playwright-core: fill the form for the bundled example and for a denied
// case, see the decision, the reasons and a correction; answer a question on
// an undetermined case; print the letter to PDF; a `<script>` case_id shown as
// text; no console errors. Screenshots go to docs/ when PP_SCREENSHOTS is set.
// Usage: node case_page.test.mjs PATH/TO/policyproof
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const binary = process.argv[2] || join(root, 'build', 'policyproof');
const shots = process.env.PP_SCREENSHOTS ? join(root, 'docs') : null;
const tmp = mkdtempSync(join(tmpdir(), 'pp-browser-'));
const audit = join(tmp, 'audit.jsonl');

function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['serve', '--port', '0', '--threads', '2', '--audit-log', audit], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/[^/]+\/)/.exec(err);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error('serve did not start: ' + err)), 10000);
  });
}

const { proc, url } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.PP_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const errors = [];
let step = 'start';
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('response', async (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()} ${r.request().postData()} -> ${await r.text()}`); });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  // Nothing leaves the machine: any request not to the server fails the test.
  await page.route('**/*', (r) => (r.request().url().startsWith(url) ? r.continue() : (errors.push(`off-site request: ${r.request().url()}`), r.abort())));

  let seen = 0;
  const settled = async () => {
    await page.waitForFunction((n) => Number(document.body.dataset.updated || 0) > n, seen, { timeout: 60000 });
    // the last update wins: wait until no newer one is scheduled
    await page.waitForTimeout(400);
    seen = Number(await page.evaluate(() => document.body.dataset.updated));
  };
  const decision = () => page.textContent('#decision');

  step = 'form from the vocabulary';
  await page.goto(url);
  await page.waitForSelector('#facts .fact[data-path="pain.duration_weeks"]');
  const durationLabel = await page.textContent('.fact[data-path="pain.duration_weeks"]');
  assert.match(durationLabel, /weeks/, 'the unit is shown');
  assert.match(durationLabel, /duration of the axial/, 'the description is shown');
  assert.ok(await page.$('#f-imaging_concordant option[value=""]'), '"unknown" is a choice');
  assert.ok(await page.$('#other-facts .fact[data-path="function.rdq_score"]'), 'a fact CMM-607 never reads is folded away');
  assert.equal(await page.$('#other-facts .fact[data-path="pain.duration_weeks"]'), null, 'a fact it reads is not');
  await settled();

  step = 'the bundled example';
  await page.click('#load-example');
  await settled();
  assert.equal(await decision(), 'Medically necessary');
  assert.equal(await page.inputValue('#case_id'), 'example-acute-osteoporotic-L1');
  assert.ok(await page.isVisible('#graph'), 'the case path is drawn');
  if (shots) await page.evaluate(() => window.scrollTo(0, 0)), await page.screenshot({ path: join(shots, 'serve-case-page-approved.png'), fullPage: false });

  step = 'a denied case: T3 beside L1';
  await page.check('#f-request_levels input[value="T3"]');
  await page.fill('#f-request_cpt input[data-code="22513"]', '1');
  await page.fill('#f-request_cpt input[data-code="22514"]', '1');
  await page.fill('#case_id', 'denied-t3');
  await settled();
  assert.equal(await decision(), 'Not medically necessary');
  const reasons = await page.textContent('#reasons');
  assert.match(reasons, /NI\.upper_thoracic/, 'the exclusion is a reason');
  assert.match(reasons, /“[^”]+”/, 'with the policy sentence');
  const corrections = await page.textContent('#corrections');
  assert.match(corrections, /request\.levels: T3, L1 → L1/, 'a correction the provider can act on: drop T3; got: ' + corrections);
  if (shots) await page.evaluate(() => window.scrollTo(0, 0)), await page.screenshot({ path: join(shots, 'serve-case-page-denied.png'), fullPage: false });

  step = 'a denied case: T3 alone has no correction (the fracture is where it is)';
  await page.uncheck('#f-request_levels input[value="L1"]');
  await page.fill('#f-request_cpt input[data-code="22514"]', '0');
  await settled();
  assert.equal(await decision(), 'Not medically necessary');
  assert.equal(await page.isVisible('#corrections-box'), false, 'no level is moved to another vertebra');

  step = 'an undetermined case: a question answered fills the form';
  await page.click('#load-example');
  await settled();
  await page.check('#f-pain_duration_weeks-unknown');
  await settled();
  assert.equal(await decision(), 'Undetermined');
  const q = page.locator('#questions li[data-fact="pain.duration_weeks"] button.answer', { hasText: 'above 6' });
  assert.equal(await q.count(), 1, 'the question on pain duration offers "above 6"');
  if (shots) await page.evaluate(() => window.scrollTo(0, 0)), await page.screenshot({ path: join(shots, 'serve-case-page-undetermined.png'), fullPage: false });
  await q.click();
  await settled();
  assert.equal(await page.inputValue('#f-pain_duration_weeks'), '7', 'the answer filled the form');
  assert.equal(await page.isChecked('#f-pain_duration_weeks-unknown'), false);
  assert.equal(await decision(), 'Not medically necessary');

  step = 'the determination letter, printed';
  await page.emulateMedia({ media: 'print' });
  const letter = await page.textContent('#letter');
  assert.match(letter, /Not medically necessary/);
  const sha = JSON.parse(await (await fetch(url + 'v1/policies')).text()).policies[0].sha256;
  assert.ok(letter.includes(sha), 'the letter names the policy sha256');
  assert.match(letter, /v1\.0\.2026/, 'and its version');
  assert.match(letter, /CMM\.SP\./, 'each reason with its section');
  const pdf = join(tmp, 'letter.pdf');
  await page.pdf({ path: pdf, format: 'Letter' });
  assert.ok(statSync(pdf).size > 1000, 'a PDF was printed');
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  if (shots) await page.screenshot({ path: join(shots, 'serve-determination-letter.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  step = 'a <script> case_id is shown as text';
  const evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 1">';
  await page.fill('#case_id', evil);
  await settled();
  assert.equal(await page.textContent('#letter-case'), evil, 'the letter shows the case_id as text');
  await page.click('#export-json');
  assert.ok((await page.inputValue('#import-text')).includes('\\"window.__pwned = 1\\"') || (await page.inputValue('#import-text')).includes('__pwned'));
  await page.fill('#import-text', JSON.stringify({ case_id: evil, request: { technique: 'vertebroplasty' } }));
  await page.click('#import-apply');
  await settled();
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  assert.equal(await page.$$eval('#letter script, #result-panel script, #letter img, #result-panel img[src="x"]', (n) => n.length), 0);

  step = 'JSON import errors are shown, not thrown';
  await page.fill('#import-text', '{"case_id": ');
  await page.click('#import-apply');
  assert.ok(await page.isVisible('#import-error'));

  assert.deepEqual(errors, [], 'no console errors');
  console.log('browser: case page: all checks passed');
} catch (e) {
  console.error(`browser: case page: failed at step "${step}": ${e.message}`);
  if (errors.length) console.error(errors.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
  proc.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
