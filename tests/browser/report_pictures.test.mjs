// The pictures of `policyproof report` in headless Chromium (Debian's), driven
// by playwright-core, at a laptop's width (a 1280 px viewport): every picture
// inlined in the page fits its column (no sideways scrolling) and every label
// in it is rendered at 9 px or more (its computed font size times the
// picture's current scale, from getScreenCTM()). The full decision graph and
// each case's full drawing are files of the site, linked, not inlined. And the
// check itself is checked: the full graph, inlined the way the report inlined
// it before, fails it.
// Usage: node report_pictures.test.mjs PATH/TO/policyproof
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const binary = process.argv[2] || join(root, 'build', 'policyproof');
const tmp = mkdtempSync(join(tmpdir(), 'pp-report-pictures-'));
const site = join(tmp, 'site');
const MIN_PX = 9;
const WIDTH = 1280;

// The report with the three cases of the report tests (one of them
// undetermined: its path view is the widest).
const cases = ['approved-acute', 'denied-subacute', 'partial-undetermined'].map((c) => join(root, 'tests', 'report', 'cases', `${c}.case.json`));
const args = ['report', '--quiet', '--output', site, ...cases.flatMap((c) => ['--case', c])];
const made = spawnSync(binary, args, { encoding: 'utf8' });
if (made.status !== 0) {
  console.error(`browser: report pictures: policyproof ${args.join(' ')} exited ${made.status}: ${made.stderr}`);
  process.exit(1);
}

// Measures every <svg> of the page: its width against its container's, and
// the smallest rendered size of its text.
function measure() {
  return [...document.querySelectorAll('svg')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const container = svg.parentElement.clientWidth;
    let smallest = Infinity;
    let smallestText = '';
    let texts = 0;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const scale = m ? Math.hypot(m.a, m.b) : 0;
      const size = parseFloat(getComputedStyle(t).fontSize) * scale;
      ++texts;
      if (size < smallest) smallest = size, smallestText = t.textContent.trim();
    }
    return { label: svg.getAttribute('aria-label') || svg.id, width: box.width, container, texts, smallest, smallestText };
  });
}

const problems = (pictures) => pictures.flatMap((p) => {
  const out = [];
  if (p.width > p.container + 0.5) out.push(`"${p.label}" is ${p.width.toFixed(0)} px wide in a ${p.container} px column`);
  if (p.smallest < MIN_PX) out.push(`"${p.label}": "${p.smallestText}" is rendered at ${p.smallest.toFixed(2)} px (< ${MIN_PX})`);
  return out;
});

const browser = await chromium.launch({
  executablePath: process.env.PP_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const errors = [];
let step = 'start';
try {
  const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));

  step = 'every picture of the report reads at its width';
  await page.goto('file://' + join(site, 'index.html'));
  const pictures = await page.evaluate(measure);
  // The overview, one per pathway, the exclusions, and one path per case.
  assert.ok(pictures.length >= 5 + cases.length, `${pictures.length} pictures`);
  for (const p of pictures) assert.ok(p.texts > 0, `"${p.label}" has labels`);
  assert.deepEqual(problems(pictures), [], 'every picture fits its column with labels of 9 px or more');
  const smallest = Math.min(...pictures.map((p) => p.smallest));
  console.log(`browser: report pictures: ${pictures.length} pictures at ${WIDTH} px; smallest label ${smallest.toFixed(2)} px`);

  step = 'the full graphs are a click away, not inlined';
  const links = await page.$$eval('a[href$=".svg"]', (as) => as.map((a) => a.getAttribute('href')));
  for (const f of ['decision-graph.svg', ...cases.map((_, i) => `case-${i + 1}.svg`)]) {
    assert.ok(links.includes(f), `a link to ${f}`);
    assert.ok(existsSync(join(site, f)), `${f} is in the site`);
  }
  const html = readFileSync(join(site, 'index.html'), 'utf8');
  assert.equal((html.match(/<svg/g) || []).length, pictures.length, 'the pictures measured are all the page holds');

  step = 'the check fails on the full decision graph inlined as before';
  // The full graph as the report inlined it before its views: in the same
  // figure, width and height in CSS pixels (one per point), scaled to the column.
  const full = readFileSync(join(site, 'decision-graph.svg'), 'utf8');
  const svg = full.slice(full.indexOf('<svg')).replace(/(width|height)="([0-9.]+)pt"/g, '$1="$2"');
  mkdirSync(join(tmp, 'old'));
  copyFileSync(join(site, 'style.css'), join(tmp, 'old', 'style.css'));
  writeFileSync(join(tmp, 'old', 'index.html'),
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><link rel="stylesheet" href="style.css"/></head><body><main>` +
    `<figure class="graph-figure"><div class="scroll">${svg.replace('<svg', '<svg class="graph" aria-label="full graph"')}</div></figure></main></body></html>`);
  await page.goto('file://' + join(tmp, 'old', 'index.html'));
  const old = await page.evaluate(measure);
  assert.equal(old.length, 1);
  assert.ok(old[0].texts > 50, 'the full graph has its labels');
  assert.ok(old[0].smallest < MIN_PX, `the full graph's smallest label is ${old[0].smallest.toFixed(2)} px: the check must fail on it`);
  assert.notDeepEqual(problems(old), []);

  assert.deepEqual(errors, [], 'no console errors');
  console.log('browser: report pictures: all checks passed');
} catch (e) {
  console.error(`browser: report pictures: failed at step "${step}": ${e.message}`);
  if (errors.length) console.error(errors.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
