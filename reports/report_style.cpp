// The report's stylesheet (reports layer). System fonts only (nothing is
// fetched); text colours keep at least 4.5:1 contrast on their backgrounds;
// a print stylesheet drops the navigation and fits the pictures to the page.
#include "reports/report_style.h"

namespace pp::reports {

std::string_view report_stylesheet() {
  static constexpr std::string_view css = R"CSS(/* policyproof report: one static page, no script, no web fonts. */
:root {
  --text: #1b1f24;
  --muted: #4f5661;      /* 7.4:1 on white */
  --line: #c9ced6;
  --accent: #0b4f8a;     /* links: 8.5:1 on white */
  --ok-bg: #e3f4e6; --ok-fg: #145a24;
  --bad-bg: #fde7e7; --bad-fg: #8a1212;
  --warn-bg: #fff2cc; --warn-fg: #6b4700;
  --info-bg: #e6effa; --info-fg: #163e6b;
  --enc-bg: #fff0a8;     /* highlighted policy words */
  --data-line: #2f6fb0;
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
       font-size: 16px; line-height: 1.5; color: var(--text); background: #ffffff; }
body { margin: 0 auto; max-width: 78rem; padding: 0 1.5rem 3rem; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid #f2a900; outline-offset: 1px; }
h1, h2, h3, h4 { line-height: 1.25; }
h2 { margin-top: 3rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--text); }
h3 { margin-top: 2rem; }
h4 { margin: 0.6rem 0 0.4rem; font-size: 1rem; }
blockquote { margin: 0.3rem 0; padding: 0.2rem 0.8rem; border-left: 4px solid var(--line); background: #f6f7f9; }
blockquote p { margin: 0.2rem 0; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: 0.5rem; z-index: 10; }
.muted, .where { color: var(--muted); }
.where { font-size: 0.9em; margin: 0.2rem 0; }
.masthead { padding: 1.5rem 0 0.5rem; border-bottom: 1px solid var(--line); }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8rem; color: var(--muted); }
.masthead h1 { margin: 0.3rem 0 0.8rem; font-size: 1.7rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.hash { word-break: break-all; }
.toc ol { columns: 2; padding-left: 1.5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; padding: 0.5rem 0.8rem; }
.card p { margin: 0.2rem 0; }
.card .num { font-size: 1.6rem; font-weight: 700; }
.card.ok { border-left-color: #2e8540; } .card.bad { border-left-color: #b31b1b; } .card.warn { border-left-color: #c98a00; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 3px; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok-fg); }
.badge.bad { background: var(--bad-bg); color: var(--bad-fg); }
.badge.warn { background: var(--warn-bg); color: var(--warn-fg); }
.badge.info { background: var(--info-bg); color: var(--info-fg); }
table.grid { border-collapse: collapse; width: 100%; margin: 1rem 0; }
table.grid caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
table.grid thead th { background: #eef1f5; }
ul.plain { list-style: none; padding: 0; margin: 0; }
pre.json { background: #f6f7f9; border: 1px solid var(--line); padding: 0.5rem; overflow-x: auto; white-space: pre-wrap; }
details > summary { cursor: pointer; color: var(--accent); }
.graph-figure { margin: 1rem 0; border: 1px solid var(--line); }
.graph-figure .scroll { overflow: auto; max-height: 90vh; background: #ffffff; }
.graph-figure svg.graph { display: block; max-width: 100%; height: auto; margin: 0 auto; }  /* the whole graph at a glance; zoom in, hover, or open it on its own */
.graph-figure figcaption { padding: 0.4rem 0.8rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9em; }
.decision-rule { border: 1px solid var(--line); padding: 0 1rem 0.6rem; border-radius: 4px; }
.group { margin-top: 1.5rem; }
.criterion, .finding, .case, .ambiguity { border: 1px solid var(--line); border-radius: 4px; padding: 0.2rem 1rem 0.6rem; margin: 0.8rem 0; }
.criterion.k-pathway { border-left: 6px solid #2f6fb0; }
.criterion.k-exclusion { border-left: 6px solid #b31b1b; }
.criterion:target, .finding:target, .blk:target, .ambiguity:target { outline: 3px solid #f2a900; }
dl.fields { display: grid; grid-template-columns: 9rem 1fr; gap: 0.25rem 1rem; margin: 0.4rem 0 0; }
dl.fields dt { font-weight: 600; color: var(--muted); }
dl.fields dd { margin: 0; }
ul.chains, ul.parts { margin: 0; padding-left: 1.2rem; }
code.expr { background: #f1f3f6; padding: 0.05rem 0.3rem; border-radius: 3px; }
code.expr a.fact { color: #3b3f8f; }
.finding.sev-bad { border-left: 6px solid #b31b1b; }
.finding.sev-warn { border-left: 6px solid #c98a00; }
.finding.sev-info { border-left: 6px solid #2f6fb0; }
.claims { margin: 0.4rem 0; }
.src-part { margin-top: 1.5rem; }
.src-list { padding-left: 1.2rem; }
.src-list li.d1 { margin-left: 1.5rem; } .src-list li.d2 { margin-left: 3rem; } .src-list li.d3, .src-list li.d4 { margin-left: 4.5rem; }
.blk { margin: 0.35rem 0; padding: 0.1rem 0.4rem; border-left: 4px solid transparent; }
.blk.cov-encoded { border-left-color: #2e8540; }
.blk.cov-partial { border-left-color: #c98a00; }
.blk.cov-data { border-left-color: var(--data-line); }
.blk.cov-uncovered { border-left-color: #b31b1b; background: var(--bad-bg); }
.blk.cov-not_encoded { color: #3a4048; }
mark.enc { background: var(--enc-bg); color: var(--text); padding: 0 0.05rem; }
span.data { text-decoration: underline; text-decoration-color: #8fb3da; }
span.unenc { text-decoration: underline dotted #6b4700; }
.trace { font-size: 0.85em; color: var(--muted); margin-left: 0.3rem; }
.trace .lbl { font-style: italic; }
.trace a { margin-right: 0.15rem; }
.trace a.amb { color: var(--warn-fg); }
.flag-error, .error { color: var(--bad-fg); }
.ok-text { color: var(--ok-fg); }
.coverage { border: 1px solid var(--line); border-radius: 4px; padding: 0 1rem 0.5rem; }
.sep { color: var(--muted); }
.footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9em; }
@media (max-width: 50rem) { dl.fields { grid-template-columns: 1fr; } .toc ol { columns: 1; } }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  .toc, .skip { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  .criterion, .finding, .card, .ambiguity, tr { break-inside: avoid; }
  .graph-figure .scroll { overflow: visible; max-height: none; }
  .graph-figure svg.graph { width: 100%; height: auto; }
  details > summary { color: inherit; }
  mark.enc { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)CSS";
  return css;
}

}  // namespace pp::reports
