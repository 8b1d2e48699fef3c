import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { CSRF_FIELD } from '../http/csrf';
import { FAVICON_LINK } from '../http/favicon';
import { html, SafeHtml } from '../http/html';

/**
 * The console's page frame. Like the web form, CSS (and here one small script) are allowed by hash,
 * so the Content-Security-Policy needs no 'unsafe-inline'. Every page works without JavaScript; the
 * script only ticks the countdowns between reloads.
 */

const CSS = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header.bar{display:flex;flex-wrap:wrap;gap:.4rem 1.25rem;align-items:center;background:#13294b;color:#fff;padding:.5rem 1rem}
header.bar a{color:#fff}header.bar form{margin-left:auto}header.bar button{background:#2d4d7c;padding:.3rem .8rem}
main{max-width:76rem;margin:0 auto;padding:1rem 1rem 3rem}main:has(table#queue){max-width:none}
h1,td.subject,td.requester,td.organization,td.assignee,td.change,.meta,.msg pre,p{overflow-wrap:anywhere}td{overflow-wrap:break-word}
select{max-width:100%}form.filters select{max-width:22rem}td.subject{min-width:10rem}td.requester,td.organization{min-width:7rem}td.assignee{min-width:6rem}#queue .countdown{white-space:normal}
.table-scroll{overflow-x:auto}
h1{font-size:1.45rem;margin:.5rem 0 .75rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sla{display:inline-block;padding:0 .45rem;border-radius:3px;font-weight:600;font-size:.85rem}
.sla.ok{background:#dcefe1;color:#135c26}.sla.warning{background:#fff0c2;color:#6b4a00}.sla.breached{background:#f9d3d0;color:#8a1410}
.sla.review{background:#e3e7fb;color:#27337a}tr.sla-review td:first-child{border-left:5px solid #3f51b5}
tr.sla-warning td:first-child{border-left:5px solid #e0a800}tr.sla-breached td:first-child{border-left:5px solid #c62828}tr.sla-ok td:first-child{border-left:5px solid #2e7d32}
.countdown{font-variant-numeric:tabular-nums;white-space:nowrap}.overdue{color:#a31515;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;background:#fff;padding:.75rem;border-radius:6px;margin-bottom:1rem}
label{display:block;font-weight:600;font-size:.9rem}label.inline{display:inline}.updated{background:#e3f0ff;color:#0b3d91;font-size:.8rem;padding:0 .3rem;border-radius:3px}
input[type=text],input[type=password],select,textarea{font:inherit;padding:.35rem;border:1px solid #767676;border-radius:4px;background:#fff;box-sizing:border-box}
textarea{width:100%;min-height:5rem}
button{font:inherit;font-weight:600;padding:.4rem 1rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer}
button.secondary{background:#5f6368}button.danger{background:#b3261e}
:focus-visible{outline:3px solid #f9a825;outline-offset:2px}
.banner{border:2px solid #b00;background:#fff;padding:.6rem 1rem;border-radius:6px;margin:.75rem 0}.banner.ok{border-color:#1a7f37}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.75rem}
.card{background:#fff;border-radius:6px;padding:.6rem .8rem}.card h3{margin:0 0 .4rem;font-size:1rem}
.msg{background:#fff;border-radius:6px;padding:.4rem .8rem;margin:.5rem 0;border-left:4px solid #0b57d0}
.msg.customer{border-color:#888}.msg.internal{border-color:#e0a800;background:#fffbea}.msg pre{white-space:pre-wrap;font:inherit;margin:.2rem 0}
.meta{color:#555;font-size:.85rem}pre.explain{background:#fff;padding:.5rem .8rem;overflow-x:auto;font-size:.85rem}
svg{max-width:100%;height:auto;background:#fff;border-radius:6px}
svg .closed{fill:#eceff3}svg .win{fill:#d6e9d8}svg .used{fill:#7fb685}svg .axis{stroke:#888}svg text{font:11px system-ui,sans-serif;fill:#333}
svg .now{stroke:#0b57d0;stroke-width:2}svg .due{stroke:#c62828;stroke-dasharray:4 3;stroke-width:2}svg .due-text{fill:#a31515}
svg .ev{fill:#13294b}svg .ev-warning{fill:#e0a800}svg .ev-breached{fill:#c62828}svg .ev-escalated{fill:#8e24aa}svg .ev-responded,svg .ev-resolved{fill:#2e7d32}
svg .bar{fill:#0b57d0}svg .bar.met{fill:#2e7d32}svg .bar.warning{fill:#e0a800}svg .bar.breached{fill:#c62828}svg .bar.alt{fill:#8e24aa}svg .track{fill:#eceff3}
.login{max-width:26rem;background:#fff;padding:1rem 1.25rem;border-radius:6px}
@media (max-width:75rem){table.cards thead{display:none}table.cards,table.cards tbody,table.cards tr,table.cards td,table.cards th[scope=row]{display:block}
table.cards tr{margin:0 0 .75rem;border:1px solid #ddd;border-radius:6px;background:#fff;padding:.3rem 0}
table.cards td{border:0;padding:.15rem .75rem}table.cards td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#555}table.cards td:empty{display:none}table.cards td.num,table.cards th.num{text-align:left}
table.cards tr.sla-warning,table.cards tr.sla-breached,table.cards tr.sla-ok,table.cards tr.sla-review{border-left-width:5px}
table.cards tr.sla-warning{border-left-color:#e0a800}table.cards tr.sla-breached{border-left-color:#c62828}table.cards tr.sla-ok{border-left-color:#2e7d32}table.cards tr.sla-review{border-left-color:#3f51b5}
table.cards tr td:first-child{border-left:0}}
@media (max-width:40rem){form.filters>div,form.filters select,form.filters input{width:100%}main{padding:.5rem .5rem 2rem}}
`.trim();

/**
 * Ticks every `.countdown`: business time left, consumed only while the window it was given is open. Beside each
 * time in the ticket's zone it writes the reader's own, with the zone's name found as readable-time.ts finds it (the
 * server cannot know the reader's zone).
 */
const SCRIPT = `
(function(){
var loaded=Date.now();
function fmt(ms){var s=Math.round(Math.abs(ms)/1000),h=Math.floor(s/3600),m=Math.floor(s%3600/60),x=s%60;
return h+'h '+(m<10?'0':'')+m+'m '+(x<10?'0':'')+x+'s';}
function tick(){document.querySelectorAll('.countdown[data-remaining-ms]').forEach(function(el){
var render=+el.dataset.renderedAt,from=+el.dataset.openFrom,until=+el.dataset.openUntil||Infinity;
var now=render+(Date.now()-loaded);var used=Math.max(0,Math.min(now,until)-Math.max(render,from));
var left=+el.dataset.remainingMs-used;var open=now>=from&&now<until;
el.textContent=(left>=0?fmt(left)+' left':'overdue '+fmt(left))+(open?'':' (support closed)');
el.classList.toggle('overdue',left<0);});}
tick();setInterval(tick,1000);
function two(n){return (n<10?'0':'')+n;}
var DAYS=['Sun','Mon','Tue','Wed','Thu','Fri','Sat'];
function zone(d){var L=['en-US','en-GB','en-IN','en-AU'];for(var i=0;i<L.length;i++){try{var n=new Intl.DateTimeFormat(L[i],{timeZoneName:'short'}).formatToParts(d).filter(function(p){return p.type==='timeZoneName';})[0].value;
if(n&&!/^(GMT|UTC)[+-]/.test(n))return n;}catch(e){}}var z=Intl.DateTimeFormat().resolvedOptions().timeZone||'';return z.split('/').pop().replace(/_/g,' ')+' time';}
document.querySelectorAll('time.when[datetime]').forEach(function(el){var d=new Date(el.getAttribute('datetime'));
var mine=DAYS[d.getDay()]+' '+d.getFullYear()+'-'+two(d.getMonth()+1)+'-'+two(d.getDate())+' '+two(d.getHours())+':'+two(d.getMinutes());
if(el.textContent.indexOf(mine)<0){var s=document.createElement('span');s.className='reader';s.textContent=' (your time '+mine+' '+zone(d)+')';el.after(s);}});})();
`.trim();

const hash = (s: string) => createHash('sha256').update(s).digest('base64');
// The tags hold exactly what is hashed: a formatter that indents a template's contents must not reach them (plain
// strings, not html``), or the browser refuses the stylesheet and the script as not matching the policy.
const STYLE_TAG = new SafeHtml('<style>' + CSS + '</style>');
const SCRIPT_TAG = new SafeHtml('<script>' + SCRIPT + '</script>');
const CSP = `default-src 'none'; style-src 'sha256-${hash(CSS)}'; script-src 'sha256-${hash(SCRIPT)}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export interface Frame {
  title: string;
  /** The signed-in agent; null on the login page. */
  who: { name: string; role: string } | null;
  csrf: string;
}

export function consolePage(f: Frame, body: SafeHtml): string {
  const nav = f.who
    ? html`<header class="bar">
        <strong>SLA desk</strong><a href="/console">Queue</a><a href="/console/dashboard">Dashboard</a
        ><a href="/console/review">Review</a><a href="/console/macros">Canned responses</a>
        <span>${f.who.name} (${f.who.role})</span>
        <form method="post" action="/console/logout">
          <input type="hidden" name="${CSRF_FIELD}" value="${f.csrf}" /><button type="submit">Sign out</button>
        </form>
      </header>`
    : html`<header class="bar"><strong>SLA desk</strong></header>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${f.title} · SLA desk console</title>
        ${new SafeHtml(FAVICON_LINK)} ${STYLE_TAG}
      </head>
      <body>
        ${nav}
        <main>${body}</main>
        ${SCRIPT_TAG}
      </body>
    </html>`.value;
}

/** Console pages show ticket content: never cached, indexed or sent on as a Referer. */
export function sendConsolePage(res: Response, status: number, page: string): void {
  res
    .status(status)
    .set({
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
    })
    .type('html')
    .send(page);
}
