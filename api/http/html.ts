import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { escapeHtml } from '../../lib/escape-html';
import { FAVICON_LINK } from './favicon';

/**
 * HTML by tagged template: every interpolated value is escaped unless it is already SafeHtml,
 * so user text cannot inject markup by forgetting a call.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Html = SafeHtml | string | number | null | undefined | false | Html[];

/** Pages and mails escape alike (lib/mail-html.ts). */
export { escapeHtml };

function render(value: Html): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new SafeHtml(out);
}

/** Readable without any stylesheet; this only tidies spacing, focus and errors. */
const CSS = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
.status{padding:.75rem 1rem;border-radius:6px;background:#fff;border-left:6px solid #888}
.status.open{border-color:#1a7f37}.status.closed{border-color:#b35900}
.field{margin:1rem 0}label,legend{display:block;font-weight:600}
.hint{color:#555;font-size:.9rem;margin:.1rem 0 .3rem}
input[type=text],input[type=email],select,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.45rem;border:1px solid #767676;border-radius:4px;background:#fff}
textarea{min-height:7rem}fieldset{border:0;padding:0;margin:1rem 0}
.choice{display:flex;gap:.5rem;align-items:center;font-weight:400}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border:2px solid #c00}
.error{color:#b00;font-weight:600;margin:.25rem 0}
.summary,.banner{border:2px solid #b00;background:#fff;padding:.75rem 1rem;border-radius:6px}.summary h2{font-size:1.1rem;margin:0}
.banner.ok{border-color:#1a7f37}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f9a825;outline-offset:2px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.msg{background:#fff;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0;border-left:4px solid #0b57d0}
.msg.customer{border-color:#888}.msg pre{white-space:pre-wrap;font:inherit;margin:.25rem 0}
details pre{white-space:pre-wrap;font:inherit;background:#fff;padding:.5rem 1rem}
.meta{color:#555;font-size:.85rem}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd}code{word-break:break-all}
nav form{display:inline;margin-left:.75rem}nav button{padding:.3rem .9rem}td ul{margin:0;padding-left:1rem}[aria-current=page]{font-weight:700}
h1,td.text,.meta,.msg pre,details pre,p,li{overflow-wrap:anywhere}select{max-width:100%}main:has(table.cards){max-width:64rem}
@media (max-width:48rem){table.cards thead{display:none}table.cards,table.cards tbody,table.cards tr,table.cards td,table.cards th[scope=row]{display:block}
table.cards tr{margin:0 0 .75rem;border:1px solid #ddd;border-radius:6px;background:#fff;padding:.3rem 0}
table.cards td{border:0;padding:.15rem .75rem}table.cards td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#555}table.cards td:empty{display:none}}
`.trim();

// The stylesheet is allowed by its hash, so the pages need no 'unsafe-inline' at all.
const CSS_HASH = createHash('sha256').update(CSS).digest('base64');
// Exactly what is hashed, as a plain string: a formatter that indents a template's contents must not reach it.
const STYLE_TAG = new SafeHtml('<style>' + CSS + '</style>');
const CSP = `default-src 'none'; style-src 'sha256-${CSS_HASH}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Support</title>
        ${new SafeHtml(FAVICON_LINK)} ${STYLE_TAG}
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.value;
}

/**
 * Sends a page. Private ticket pages carry a secret in their URL: never cached, indexed or sent on as a Referer.
 */
export function sendPage(res: Response, status: number, page: string): void {
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
