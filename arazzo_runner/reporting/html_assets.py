"""The HTML report's inline style sheet and its one small script.

Both are inlined in every report, which must open without network access.
The page works without the script (``<details>`` open natively); the script
only opens the section a link points to, offers "open all failed", and opens
the failed steps before printing.
"""

from __future__ import annotations

# A Content-Security-Policy that forbids every fetch: the report must be self-contained,
# and a body that happens to hold HTML-like text can never load anything either.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
)

STYLE = """
:root { --ok: #1a7f37; --fail: #c0262d; --warn: #9a6700; --muted: #59636e;
  --line: #d0d7de; --bg-soft: #f6f8fa; --taken: #1f4fa8; color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 0 auto; max-width: 1200px; padding: 1rem 1.25rem 3rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin: .2rem 0 .5rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem;
  margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
a { color: #0b57c2; }
a:focus-visible, summary:focus-visible, button:focus-visible {
  outline: 3px solid #0b57c2; outline-offset: 2px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 13px; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px;
  padding: .5rem .7rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0;
  max-height: 40rem; overflow: auto; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem;
  border-bottom: 1px solid var(--line); }
th { background: var(--bg-soft); font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; font-weight: 700; border: 2px solid currentColor;
  border-radius: 4px; padding: 0 .35rem; font-size: .85em; white-space: nowrap; }
.badge.passed, .badge.succeeded { color: var(--ok); }
.badge.failed, p.failed { color: var(--fail); }
.badge.skipped { color: var(--muted); }
.note { border-left: 4px solid var(--warn); background: #fff8c5; padding: .35rem .6rem;
  margin: .5rem 0; }
.warning { color: var(--warn); }
nav ul { display: flex; flex-wrap: wrap; gap: .3rem 1rem; list-style: none; padding: 0; }
details { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0;
  padding: 0 .7rem; }
details[open] { padding-bottom: .5rem; }
details.execution.step-failed { border: 3px solid var(--fail); }
caption { text-align: left; font-weight: 600; }
summary { cursor: pointer; padding: .35rem 0; color: #1f2328; }
summary .badge { margin-right: .4rem; }
.failed-list li { margin: .2rem 0; }
.graph-box { overflow: auto; max-height: 80vh; border: 1px solid var(--line);
  border-radius: 6px; padding: .4rem; background: #fff; }
svg.graph .node rect { fill: #fff; stroke: #57606a; stroke-width: 1.5; }
svg.graph .node.passed rect { fill: #dafbe1; stroke: var(--ok); stroke-width: 2.5; }
svg.graph .node.failed rect { fill: #ffebe9; stroke: var(--fail); stroke-width: 4; }
svg.graph .node.not-run rect { stroke-dasharray: 5 4; fill: #fafbfc; }
svg.graph .node.terminal rect { rx: 18; }
svg.graph text { font: 13px system-ui, sans-serif; fill: #1f2328; }
svg.graph .node-title { font-weight: 700; }
svg.graph .node-detail { font-size: 11px; fill: var(--muted); }
svg.graph .node-status { font-size: 11px; font-weight: 700; }
svg.graph .node.failed .node-status { fill: var(--fail); }
svg.graph .node.passed .node-status { fill: var(--ok); }
svg.graph .edge { fill: none; stroke: #8c959f; stroke-width: 1.2; }
svg.graph .edge.failure { stroke-dasharray: 5 3; }
svg.graph .edge.taken { stroke: var(--taken); stroke-width: 3.2; }
svg.graph .arrowhead { fill: #8c959f; }
svg.graph .arrowhead.taken { fill: var(--taken); }
svg.graph a:focus rect { stroke: #0b57c2; stroke-width: 4; }
.timeline td.bar { width: 45%; }
.track { position: relative; height: 1rem; background: var(--bg-soft);
  border: 1px solid var(--line); }
.track span { position: absolute; top: 0; bottom: 0; min-width: 2px; }
.track .run { background: var(--ok); }
.track .run.failed { background: var(--fail); }
.track .wait { background: repeating-linear-gradient(45deg, #9a6700 0 2px, transparent 2px 5px); }
.criteria td:first-child { white-space: nowrap; }
.exchange h4 { margin: .5rem 0 .2rem; font-size: .95rem; }
button { font: inherit; padding: .15rem .6rem; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; color: #000; }
  nav, button, .no-print { display: none; }
  .graph-box, pre { max-height: none; overflow: visible; border-color: #000; }
  details { border-color: #000; break-inside: avoid-page; }
  a { color: #000; text-decoration: none; }
  h2 { break-after: avoid; }
  .track { border-color: #000; }
}
"""

SCRIPT = """
(function () {
  function openTo(id) {
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') { node.open = true; }
    }
  }
  function fromHash() { openTo(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener('hashchange', fromHash);
  fromHash();
  function openFailed() {
    document.querySelectorAll('details.execution.step-failed').forEach(function (d) {
      d.open = true;
    });
  }
  document.querySelectorAll('button[data-open-failed]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', openFailed);
  });
  window.addEventListener('beforeprint', openFailed);
})();
"""
