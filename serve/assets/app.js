// The case page of `policyproof serve`: a form generated from the policy's
// fact vocabulary, answered by the JSON API as it is filled. Everything the
// page shows from a case or a policy goes through textContent, never HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { policies: [], policy: null, criteria: new Map(), facts: new Map(), seq: 0, explain: null, evaluate: null, timer: null, graphUrl: null };
const DECISION_TEXT = { medically_necessary: 'Medically necessary', not_medically_necessary: 'Not medically necessary', undetermined: 'Undetermined' };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function show(id, on) { $(id).hidden = !on; }
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function fmtValue(v) {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  if (v === null || v === undefined) return 'unknown';
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    return v.map((x) => (x && typeof x === 'object' && 'code' in x) ? `${x.code} ×${x.units}` : fmtValue(x)).join(', ');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

async function api(method, path, body, accept) {
  const init = { method, headers: {} };
  if (body !== undefined) { init.body = body; init.headers['Content-Type'] = 'application/json'; }
  const res = await fetch(path, init);
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try { msg = JSON.parse(text).error || text; } catch (e) { /* not JSON */ }
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return accept === 'text' ? text : JSON.parse(text);
}

// ---------- the form, from the vocabulary ----------
const idOf = (path) => 'f-' + path.replace(/[^A-Za-z0-9_-]/g, '_');

function triSelect(id, label) {
  return el('select', { id, 'aria-label': label, 'data-kind': 'tri' },
    el('option', { value: '' }, 'unknown'), el('option', { value: 'true' }, 'yes'), el('option', { value: 'false' }, 'no'));
}

function unknownBox(id) {
  return el('label', { class: 'unk' }, el('input', { type: 'checkbox', id: id + '-unknown', checked: true }), ' unknown');
}

function factControl(f) {
  const id = idOf(f.path);
  switch (f.type) {
    case 'bool': return triSelect(id, f.path);
    case 'number': {
      const input = el('input', { type: 'number', id, step: 'any', min: f.min, max: f.max, 'aria-label': f.path });
      const box = unknownBox(id);
      input.addEventListener('input', () => { box.firstChild.checked = input.value === ''; });
      box.firstChild.addEventListener('change', () => { if (box.firstChild.checked) input.value = ''; });
      return el('span', {}, input, ' ', f.unit || '', ' ', box);
    }
    case 'enum':
      return el('select', { id, 'aria-label': f.path }, el('option', { value: '' }, 'unknown'),
        f.values.map((v) => el('option', { value: v }, v)));
    case 'enum_set': {
      const box = unknownBox(id);
      const choices = el('span', { class: 'choices', id },
        f.values.map((v) => el('label', {}, el('input', { type: 'checkbox', value: v, 'data-set': f.path }), ' ', v)));
      choices.addEventListener('change', () => { box.firstChild.checked = false; });
      return el('div', {}, box, choices);
    }
    case 'code_list': {
      const box = unknownBox(id);
      const rows = el('span', { class: 'choices', id },
        f.values.map((v) => el('label', {}, v, ' units ', el('input', { type: 'number', min: 0, step: 1, size: 3, value: 0, 'data-code': v, class: 'units' }))));
      rows.addEventListener('input', () => { box.firstChild.checked = false; });
      return el('div', {}, box, rows);
    }
    case 'group':
      return el('div', { id }, f.members.map((m) => el('div', { class: 'member' },
        el('span', { class: 'mname mono' }, m.name), triSelect(id + '-' + m.name, `${f.path}.${m.name}`), el('span', { class: 'desc' }, m.text))));
    default:
      return el('span', {}, `(${f.type} facts are not in the form)`);
  }
}

function buildForm() {
  const root = $('facts');
  clear(root);
  // Facts of the shared vocabulary this policy never reads (another payer's):
  // folded away below the ones that decide.
  const other = el('details', { id: 'other-facts' });
  let unread = 0;
  for (const f of state.policy.vocabulary.facts) {
    const row = el('div', { class: 'fact', 'data-path': f.path },
      el('label', { for: idOf(f.path) }, f.path, f.unit ? ` (${f.unit})` : ''),
      el('div', { class: 'desc' }, f.description, ' ', el('span', { class: 'src' }, f.source ? `[${f.source}]` : '')),
      factControl(f));
    if (f.read === false) { other.append(row); ++unread; } else root.append(row);
  }
  if (unread > 0) {
    other.prepend(el('summary', {}, `${unread} more facts of the shared vocabulary (${state.policy.id} reads none of them)`));
    root.append(other);
  }
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (let i = 0; i < parts.length - 1; ++i) o = (o[parts[i]] = o[parts[i]] || {});
  o[parts[parts.length - 1]] = value;
}
function getPath(obj, path) {
  let o = obj;
  for (const p of path.split('.')) { if (o === null || typeof o !== 'object' || !(p in o)) return undefined; o = o[p]; }
  return o;
}

function readForm() {
  const c = {};
  const caseId = $('case_id').value;
  if (caseId !== '') c.case_id = caseId;
  for (const f of state.policy.vocabulary.facts) {
    const id = idOf(f.path);
    switch (f.type) {
      case 'bool': { const v = $(id).value; if (v !== '') setPath(c, f.path, v === 'true'); break; }
      case 'number': { const v = $(id).value; if (v !== '' && !$(id + '-unknown').checked) setPath(c, f.path, Number(v)); break; }
      case 'enum': { const v = $(id).value; if (v !== '') setPath(c, f.path, v); break; }
      case 'enum_set': {
        if ($(id + '-unknown').checked) break;
        setPath(c, f.path, [...$(id).querySelectorAll('input:checked')].map((i) => i.value));
        break;
      }
      case 'code_list': {
        if ($(id + '-unknown').checked) break;
        setPath(c, f.path, [...$(id).querySelectorAll('input.units')].filter((i) => Number(i.value) > 0)
          .map((i) => ({ code: i.dataset.code, units: Number(i.value) })));
        break;
      }
      case 'group': {
        const known = {};
        let all = true;
        for (const m of f.members) {
          const v = $(id + '-' + m.name).value;
          if (v === '') all = false; else known[m.name] = v === 'true';
        }
        if (all) setPath(c, f.path, f.members.filter((m) => known[m.name]).map((m) => m.name));
        else if (Object.keys(known).length) setPath(c, f.path, known);
        break;
      }
      default: break;
    }
  }
  return c;
}

// Sets one fact (a whole fact, or one group member as `group.member`).
function setFact(path, value) {
  const f = state.facts.get(path);
  if (!f) {
    const dot = path.lastIndexOf('.');
    const g = state.facts.get(path.slice(0, dot));
    if (g && g.type === 'group') $(idOf(g.path) + '-' + path.slice(dot + 1)).value = value === undefined ? '' : String(value);
    return;
  }
  const id = idOf(f.path);
  switch (f.type) {
    case 'bool': $(id).value = value === undefined ? '' : String(value); break;
    case 'enum': $(id).value = value === undefined ? '' : value; break;
    case 'number':
      $(id).value = value === undefined ? '' : String(value);
      $(id + '-unknown').checked = value === undefined;
      break;
    case 'enum_set':
      $(id + '-unknown').checked = value === undefined;
      for (const i of $(id).querySelectorAll('input')) i.checked = Array.isArray(value) && value.includes(i.value);
      break;
    case 'code_list':
      $(id + '-unknown').checked = value === undefined;
      for (const i of $(id).querySelectorAll('input.units')) {
        const line = Array.isArray(value) ? value.find((x) => x && x.code === i.dataset.code) : null;
        i.value = line ? line.units : 0;
      }
      break;
    case 'group':
      for (const m of f.members) {
        let v;
        if (Array.isArray(value)) v = value.includes(m.name);
        else if (value && typeof value === 'object' && m.name in value) v = value[m.name];
        $(id + '-' + m.name).value = v === undefined ? '' : String(v);
      }
      break;
    default: break;
  }
}

function setForm(c) {
  $('case_id').value = typeof c.case_id === 'string' ? c.case_id : '';
  for (const f of state.policy.vocabulary.facts) setFact(f.path, getPath(c, f.path));
}

// ---------- readings ----------
function buildReadings() {
  const root = $('readings');
  clear(root);
  for (const a of state.policy.ambiguities) {
    root.append(el('div', { class: 'fact' },
      el('label', { for: 'amb-' + a.id }, a.id),
      el('div', { class: 'desc' }, a.question),
      el('select', { id: 'amb-' + a.id, 'data-amb': a.id, 'data-chosen': a.chosen },
        a.readings.map((r) => el('option', { value: r.id, title: r.text }, r.id === a.chosen ? `${r.id} (as encoded)` : r.id)))));
  }
  show('readings-box', state.policy.ambiguities.length > 0);
}
function readings() {
  return [...document.querySelectorAll('select[data-amb]')].filter((s) => s.value !== s.dataset.chosen)
    .map((s) => `${s.dataset.amb}=${s.value}`);
}
function query() {
  const r = readings();
  return r.length ? '?' + r.map((x) => 'reading=' + encodeURIComponent(x)).join('&') : '';
}

// ---------- results ----------
function criterionItem(id, extra) {
  const c = state.criteria.get(id);
  if (!c) return el('li', {}, el('code', {}, id));
  return el('li', {}, el('strong', {}, c.title), ' ', el('code', {}, c.id), ' ', el('span', { class: 'section' }, c.section),
    el('div', { class: 'quote' }, '“', c.text, '”'), extra || null);
}
function whyItem(w) {
  const facts = (w.facts || []).map((f) => el('div', { class: 'facts-needed' }, el('code', {}, f.fact), ': ', fmtValue(f.value), f.needs ? ` (needs ${fmtValue(f.needs)})` : ''));
  const c = state.criteria.get(w.criterion);
  return el('li', {}, el('strong', {}, c ? c.title : w.criterion), ' ', el('code', {}, w.criterion), ' ', el('span', { class: 'section' }, w.source || ''),
    el('div', { class: 'quote' }, '“', w.text || (c ? c.text : ''), '”'), facts);
}
function correctionText(k) {
  return k.changes.map((ch) => `${ch.fact}: ${fmtValue(ch.from)} → ${fmtValue(ch.to)}`).join('; ');
}
function outcomeLabel(o) {
  const v = 'at_most' in o ? `at most ${o.at_most}` : 'above' in o ? `above ${o.above}` : fmtValue(o.value);
  return `${v} → ${DECISION_TEXT[o.decision] || o.decision}`;
}
function describe(path) {
  const f = state.facts.get(path);
  if (f) return f.description;
  const dot = path.lastIndexOf('.');
  const g = state.facts.get(path.slice(0, dot));
  const m = g && g.members ? g.members.find((x) => x.name === path.slice(dot + 1)) : null;
  return m ? m.text : '';
}

function renderResult() {
  const ev = state.evaluate, ex = state.explain;
  const r = ev || ex;
  const d = $('decision');
  d.className = 'decision ' + (r ? r.decision : 'pending');
  d.textContent = r ? DECISION_TEXT[r.decision] || r.decision : 'Fill in the case';

  const warnings = $('warnings');
  clear(warnings);
  const ws = [];
  for (const w of (ev && ev.warnings) || []) ws.push(typeof w === 'string' ? w : (w.message || w.text || JSON.stringify(w)));
  for (const dep of (ev && ev.depends_on) || []) ws.push(`Rests on an open reading: under ${dep.ambiguity} = ${dep.reading} this case would be ${DECISION_TEXT[dep.decision] || dep.decision}.`);
  if (r && r.reason) ws.push(`The solver could not decide exactly: ${r.reason}`);
  for (const w of ws) warnings.append(el('div', { class: 'warning' }, w));

  const reasons = $('reasons');
  clear(reasons);
  if (ev && Array.isArray(ev.why) && ev.why.length) ev.why.forEach((w) => reasons.append(whyItem(w)));
  else if (ex) ex.reasons.forEach((id) => reasons.append(criterionItem(id)));
  else if (ev) [...ev.exclusions.map((x) => x.id), ...ev.unmet].forEach((id) => reasons.append(criterionItem(id)));
  show('reasons-box', reasons.childElementCount > 0);

  const corrections = $('corrections');
  clear(corrections);
  for (const k of (ex && ex.corrections) || [])
    corrections.append(el('li', { class: k.actionable ? 'actionable' : 'hypothetical' }, correctionText(k), k.actionable ? '' : ' (hypothetical: not something the provider can change)'));
  show('corrections-box', corrections.childElementCount > 0);

  const questions = $('questions');
  clear(questions);
  for (const q of (ex && ex.questions) || []) {
    questions.append(el('li', { 'data-fact': q.fact }, el('code', {}, q.fact), ' ', el('span', { class: 'desc' }, describe(q.fact)), el('div', {},
      q.outcomes.map((o) => el('button', { type: 'button', class: 'answer', 'data-fact': q.fact, onclick: () => { setFact(q.fact, o.value); schedule(0); } }, outcomeLabel(o))))));
  }
  if (!ex && ev && state.explainSkipped) {
    for (const f of ev.decisive_unknowns || [])
      questions.append(el('li', { 'data-fact': f }, el('code', {}, f), ' ', el('span', { class: 'desc' }, describe(f))));
    if (questions.childElementCount)
      questions.append(el('li', { class: 'hint' }, `Fill in more of the case (at most ${EXPLAIN_MAX_UNKNOWN} facts unknown) to see what each answer would decide, and the corrections.`));
  }
  show('questions-box', questions.childElementCount > 0);
}

function fillLetter() {
  const r = state.evaluate || state.explain;
  const p = state.policy;
  $('letter-date').textContent = new Date().toISOString().slice(0, 10);
  $('letter-case').textContent = $('case_id').value || '(no case id)';
  $('letter-policy').textContent = `${p.id}: ${p.title}`;
  $('letter-version').textContent = `${p.version} (effective ${p.effective})`;
  $('letter-sha').textContent = r ? r.policy.sha256 : p.sha256;
  $('letter-readings').textContent = readings().join(', ') || 'as encoded';
  $('letter-decision').textContent = r ? DECISION_TEXT[r.decision] : 'not decided';
  const lr = $('letter-reasons');
  clear(lr);
  const ev = state.evaluate, ex = state.explain;
  if (ev && Array.isArray(ev.why) && ev.why.length) ev.why.forEach((w) => lr.append(whyItem(w)));
  else if (ex) ex.reasons.forEach((id) => lr.append(criterionItem(id)));
  $('letter-reasons-box').hidden = lr.childElementCount === 0;
  const lc = $('letter-corrections');
  clear(lc);
  for (const k of (ex && ex.corrections) || []) if (k.actionable) lc.append(el('li', {}, correctionText(k)));
  $('letter-corrections-box').hidden = lc.childElementCount === 0;
  const lq = $('letter-questions');
  clear(lq);
  for (const q of (ex && ex.questions) || []) lq.append(el('li', {}, el('code', {}, q.fact), ': ', describe(q.fact)));
  $('letter-questions-box').hidden = lq.childElementCount === 0;
}

async function update() {
  const seq = ++state.seq;
  const c = readForm();
  if (Object.keys(c).length === 0) {  // nothing stated yet: nothing to decide
    state.evaluate = state.explain = null;
    show('request-error', false);
    show('graph-box', false);
    renderResult();
    document.body.dataset.updated = String(seq);
    return;
  }
  const body = JSON.stringify(c);
  const base = `/v1/policies/${encodeURIComponent(state.policy.id)}`;
  const q = query();
  // Corrections and questions (explain) cost a solver run per unknown fact:
  // asked once the case is mostly filled in; before, the facts still to find
  // out come from evaluate.
  state.explainSkipped = unknownSlots(c) > EXPLAIN_MAX_UNKNOWN;
  try {
    const [ev, ex, svg] = await Promise.all([
      api('POST', `${base}/evaluate${q}`, body),
      state.explainSkipped ? Promise.resolve(null) : api('POST', `${base}/explain${q}`, body),
      api('POST', `${base}/render${q}`, body, 'text')]);
    if (seq !== state.seq) return;
    state.evaluate = ev;
    state.explain = ex;
    show('request-error', false);
    if (state.graphUrl) URL.revokeObjectURL(state.graphUrl);
    state.graphUrl = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    $('graph').src = state.graphUrl;
    show('graph-box', true);
  } catch (e) {
    if (seq !== state.seq) return;
    state.evaluate = state.explain = null;
    $('request-error').textContent = e.message;
    show('request-error', true);
    show('graph-box', false);
  }
  renderResult();
  fillLetter();
  document.body.dataset.updated = String(seq);
}

const EXPLAIN_MAX_UNKNOWN = 6;
function unknownSlots(c) {
  let n = 0;
  for (const f of state.policy.vocabulary.facts) {
    if (f.read === false) continue;  // cannot change the decision
    const v = getPath(c, f.path);
    if (f.type === 'group') {
      if (Array.isArray(v)) continue;
      for (const m of f.members) if (!v || typeof v !== 'object' || !(m.name in v)) ++n;
    } else if (v === undefined) {
      ++n;
    }
  }
  return n;
}

function schedule(ms) {
  clearTimeout(state.timer);
  state.timer = setTimeout(update, ms === undefined ? 250 : ms);
}

// ---------- import / export ----------
function importText(text) {
  const err = $('import-error');
  try {
    const c = JSON.parse(text);
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw new Error('expected one JSON object (a case)');
    setForm(c);
    err.hidden = true;
    schedule(0);
  } catch (e) {
    err.textContent = `import: ${e.message}`;
    err.hidden = false;
  }
}
function exportCase() {
  const text = JSON.stringify(readForm(), null, 2) + '\n';
  $('import-text').value = text;
  show('import-box', true);
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: ($('case_id').value || 'case').replace(/[^A-Za-z0-9._-]/g, '_') + '.json' });
  document.body.append(a);
  a.click();
  a.remove();
}

async function selectPolicy(id) {
  state.policy = await api('GET', `/v1/policies/${encodeURIComponent(id)}`);
  state.criteria = new Map(state.policy.criteria.map((c) => [c.id, c]));
  state.facts = new Map(state.policy.vocabulary.facts.map((f) => [f.path, f]));
  $('policy-meta').textContent = `${state.policy.title} · ${state.policy.version} · sha256 ${state.policy.sha256.slice(0, 12)}`;
  buildForm();
  buildReadings();
  schedule(0);
}

async function main() {
  const list = await api('GET', '/v1/policies');
  state.policies = list.policies;
  const sel = $('policy-select');
  for (const p of state.policies) sel.append(el('option', { value: p.id }, `${p.id} ${p.version}`));
  sel.addEventListener('change', () => selectPolicy(sel.value));
  $('case-form').addEventListener('input', () => schedule());
  $('case-form').addEventListener('change', () => schedule());
  $('readings').addEventListener('change', () => schedule(0));
  $('load-example').addEventListener('click', async () => importText(await api('GET', '/assets/example-case.json', undefined, 'text')));
  $('clear-case').addEventListener('click', () => { setForm({}); schedule(0); });
  $('export-json').addEventListener('click', exportCase);
  $('import-text-toggle').addEventListener('click', () => show('import-box', $('import-box').hidden));
  $('import-apply').addEventListener('click', () => importText($('import-text').value));
  $('import-file').addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) f.text().then(importText);
  });
  $('print-letter').addEventListener('click', () => { fillLetter(); window.print(); });
  $('case-form').addEventListener('submit', (e) => e.preventDefault());
  if (state.policies.length) await selectPolicy(state.policies[0].id);
}

main().catch((e) => { $('request-error').textContent = e.message; $('request-error').hidden = false; });
