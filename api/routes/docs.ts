import { Router } from 'express';
import { OPERATIONS, openApiDocument, type DocContext, type Operation } from '../openapi';

/**
 * GET /openapi.json and GET /docs: the same operation table rendered for machines and for people.
 * The page is plain server-rendered HTML with inline CSS only, so it works offline and under our CSP.
 */

type JsonSchema = Record<string, unknown>;
type Key = 'ADMIN_KEY' | 'CUSTOMER_KEY' | 'AGENT_KEY' | 'API_KEY';

interface Step {
  title: string;
  text: string;
  method: string;
  path: string;
  key: Key;
  body?: unknown;
  headers?: Record<string, string>;
  /** `NAME=field`: the response field the reader keeps as a shell variable for later steps. */
  save?: string;
}

/** The walk-through a new user follows; test/integration/api-docs.test.ts runs exactly these commands. */
export const GETTING_STARTED: Step[] = [
  {
    title: 'Create a customer (admin)',
    text: "Only an admin creates users. The customer's API key appears once, in this response.",
    method: 'POST',
    path: '/api/v1/users',
    key: 'ADMIN_KEY',
    body: { role: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' },
    save: 'CUSTOMER_KEY=apiKey',
  },
  {
    title: 'Create an agent (admin)',
    text: 'Agents answer tickets and act on them.',
    method: 'POST',
    path: '/api/v1/users',
    key: 'ADMIN_KEY',
    body: { role: 'agent', name: 'Sam Agent', email: 'sam@support.example' },
    save: 'AGENT_KEY=apiKey',
  },
  {
    title: 'Submit a ticket (customer)',
    text: 'The ticket is acknowledged at once; `sla.clocks[].dueAt` says when the first response and the resolution are due. Retrying with the same `Idempotency-Key` never opens a second ticket.',
    method: 'POST',
    path: '/api/v1/tickets',
    key: 'CUSTOMER_KEY',
    headers: { 'Idempotency-Key': 'ada-login-1' },
    body: {
      subject: 'Login fails',
      description: 'Error 500 on login since this morning',
      category: 'bug',
      priority: 'high',
    },
    save: 'TICKET_ID=id',
  },
  {
    title: 'Reply as the agent',
    text: 'The first human response stops the first-response clock.',
    method: 'POST',
    path: '/api/v1/tickets/$TICKET_ID/messages',
    key: 'AGENT_KEY',
    body: { body: 'Thanks Ada, which browser are you using?' },
  },
  {
    title: 'Reply as the customer',
    text: 'The customer answers on the same thread.',
    method: 'POST',
    path: '/api/v1/tickets/$TICKET_ID/messages',
    key: 'CUSTOMER_KEY',
    body: { body: 'Firefox 128 on Windows.' },
  },
  {
    title: 'Read the SLA state',
    text: "`status`, `sla.slaState` (ok, warning, breached), `sla.nextDeadline` and each clock's remaining business minutes.",
    method: 'GET',
    path: '/api/v1/tickets/$TICKET_ID',
    key: 'CUSTOMER_KEY',
  },
  {
    title: 'Read the timeline',
    text: 'Every SLA event with its time: received, acknowledged, responded, …',
    method: 'GET',
    path: '/api/v1/tickets/$TICKET_ID/timeline',
    key: 'CUSTOMER_KEY',
  },
];

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Single-quoted for the shell: a quote inside becomes '\''. */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** `code` spans written as `…` in descriptions. */
const prose = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

export function curl(req: {
  method: string;
  path: string;
  key?: Key;
  body?: unknown;
  files?: string;
  headers?: Record<string, string>;
}): string {
  const lines = [`curl -s -X ${req.method} "$BASE${req.path}"`];
  if (req.key) lines.push(`-H "Authorization: Bearer $${req.key}"`);
  for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  if (req.body !== undefined)
    lines.push(`-H 'Content-Type: application/json'`, `-d ${shellQuote(JSON.stringify(req.body))}`);
  if (req.files) lines.push(`-F ${shellQuote(`files=@${req.files}`)}`);
  return lines.join(' \\\n  ');
}

/** The action the reference's curl example for `/actions/{action}` takes. */
export const EXAMPLE_ACTION = 'resolve';

function exampleFor(op: Operation) {
  const path =
    op.path.replace('{id}', '$TICKET_ID').replace('{action}', EXAMPLE_ACTION) +
    (op.example?.query ? `?${op.example.query}` : '');
  const key: Key | undefined =
    op.access === 'public'
      ? undefined
      : op.access === 'admin'
        ? 'ADMIN_KEY'
        : op.access === 'agent'
          ? 'AGENT_KEY'
          : 'API_KEY';
  const headers = op.idempotencyKey ? { 'Idempotency-Key': 'my-unique-key-1' } : undefined;
  return curl({
    method: op.method.toUpperCase(),
    path,
    key,
    headers,
    body: op.body ? (op.example?.body ?? {}) : undefined,
    files: op.multipart ? 'screenshot.png' : undefined,
  });
}

/** Past this many values an enum is named, not listed (the time zones). */
const LISTED_VALUES = 20;

function typeOf(s: JsonSchema): string {
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map(typeOf).join(', or ');
  if (Array.isArray(s.enum) && s.enum.length > LISTED_VALUES)
    return `one of ${s.enum.length} names such as <code>${esc(String(s.enum[0]))}</code>`;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => `<code>${esc(String(v))}</code>`).join(', ')}`;
  if (s.type === 'object') return 'object';
  return esc(String(s.type ?? 'any')) + (s.format ? ` (${esc(String(s.format))})` : '');
}

function constraints(s: JsonSchema): string {
  const out: string[] = [];
  if (s.minLength !== undefined) out.push(`${s.minLength}–${s.maxLength ?? '∞'} characters`);
  else if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minimum !== undefined) out.push(`${s.minimum}–${s.maximum}`);
  if (s.pattern && !s.format) out.push(`pattern <code>${esc(String(s.pattern))}</code>`);
  for (const part of (s.allOf ?? []) as JsonSchema[])
    if (part.pattern) out.push(`pattern <code>${esc(String(part.pattern))}</code>`);
  if (s.minItems !== undefined || s.maxItems !== undefined) out.push(`${s.minItems ?? 0}–${s.maxItems ?? '∞'} items`);
  if (s.default !== undefined) out.push(`default <code>${esc(JSON.stringify(s.default))}</code>`);
  if (s.type === 'object' && s.properties)
    out.push(
      `fields: ${Object.keys(s.properties)
        .map((k) => `<code>${esc(k)}</code>`)
        .join(', ')}`,
    );
  return out.join('; ');
}

function fieldTable(caption: string, fields: [name: string, schema: JsonSchema, required: boolean][]): string {
  if (!fields.length) return '';
  const rows = fields.map(
    ([name, s, req]) =>
      `<tr><td><code>${esc(name)}</code>${req ? ' <b>required</b>' : ''}</td><td>${typeOf(s)}</td><td>${constraints(s)}</td></tr>`,
  );
  return `<table><caption>${esc(caption)}</caption><tr><th>field</th><th>type</th><th>rules</th></tr>${rows.join('')}</table>`;
}

function operationHtml(op: Operation, doc: JsonSchema, errorText: Record<string, string>): string {
  const o = (doc.paths as Record<string, Record<string, JsonSchema>>)[op.path]![op.method]!;
  const content = (o.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content ?? {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  const body = media?.schema ?? null;
  const bodyFields = body
    ? Object.entries((body.properties ?? {}) as Record<string, JsonSchema>).map(
        ([k, s]) => [k, s, ((body.required ?? []) as string[]).includes(k)] as [string, JsonSchema, boolean],
      )
    : [];
  const params = ((o.parameters ?? []) as JsonSchema[]).map(
    (p) => [`${p.name} (${p.in})`, p.schema as JsonSchema, Boolean(p.required)] as [string, JsonSchema, boolean],
  );
  const responses = Object.entries(o.responses as Record<string, JsonSchema>).map(([status, r]) => {
    const description = r.$ref ? (errorText[String(r.$ref).split('/').pop()!] ?? '') : String(r.description);
    return `<li><code>${status}</code> ${prose(description)}${Number(status) >= 400 ? ' (problem+json)' : ''}</li>`;
  });
  const who = { public: 'no key needed', any: 'any API key', agent: 'agent or admin key', admin: 'admin key' }[
    op.access
  ];
  return `<section class="op" id="${esc(String(o.operationId))}">
<h3><span class="m ${op.method}">${op.method.toUpperCase()}</span> <code class="path">${esc(op.path)}</code> — ${esc(op.summary)}</h3>
<p>${prose(op.description)} <i>(${who})</i></p>
${fieldTable('parameters', params)}${fieldTable(`request body (${mediaType === 'application/json' ? 'JSON' : mediaType}; unknown fields are refused)`, bodyFields)}
<p>Responses:</p><ul>${responses.join('')}</ul>
<pre class="curl">${esc(exampleFor(op))}</pre>
</section>`;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font:14px ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow-x:auto;border-radius:4px}
.op{border-top:1px solid #ddd;padding-top:.5rem}.m{display:inline-block;min-width:3.5rem;text-align:center;color:#fff;border-radius:3px;padding:0 .3rem}
.get{background:#1f6f43}.post{background:#1d4f91}.put{background:#8a5a00}.delete{background:#9b1c1c}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:600}`;

export function docsPage(doc: JsonSchema): string {
  const errorText: Record<string, string> = Object.fromEntries(
    Object.entries((doc.components as { responses: Record<string, { description: string }> }).responses).map(
      ([k, v]) => [k, v.description],
    ),
  );
  const info = doc.info as { title: string; description: string };
  const steps = GETTING_STARTED.map(
    (s, i) => `<li><h3>${esc(s.title)}</h3><p>${prose(s.text)}</p>
<pre class="curl" data-step="${i + 1}"${s.save ? ` data-save="${esc(s.save)}"` : ''}>${esc(curl(s))}</pre>
${s.save ? `<p>Keep <code>${esc(s.save.split('=')[1]!)}</code> from the response: <code>export ${esc(s.save.split('=')[0]!)}=…</code></p>` : ''}</li>`,
  );
  const tags = [...new Set(OPERATIONS.map((o) => o.tag))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${esc(info.title)}</h1>
<p>${prose(info.description)} Errors are <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and, for invalid input, <code>errors: [{ field, message }]</code>. The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav><ul>${OPERATIONS.map((o) => `<li><a href="#${esc(String((doc.paths as Record<string, Record<string, JsonSchema>>)[o.path]![o.method]!.operationId))}">${o.method.toUpperCase()} ${esc(o.path)}</a></li>`).join('')}</ul></nav>
<h2 id="getting-started">Getting started</h2>
<p>Set the server and the admin key (<code>npm start</code> prints it and writes it to <code>data/admin-key</code>):</p>
<pre>export BASE=http://localhost:3000 ADMIN_KEY=$(cat data/admin-key)</pre>
<ol class="steps">${steps.join('\n')}</ol>
<h2 id="links">Links and files</h2>
<p>Every ticket, whichever channel opened it, has a private page for its customer at <code>/t/&lt;token&gt;</code>; the customer's mails carry that link, staff mails link to <code>/console/tickets/&lt;id&gt;</code>. A customer who lost it asks at <code>/link</code>: the links are mailed to the address, never shown, and the answer is the same for an unknown address. A web-form ticket under an existing customer's address, or a new address at an organization's domain, has <code>"unverified": true</code> until its mailed link is opened. A new address joins its domain's organization only once proven (a link mailed to it is used, or a verified reply comes from it); until then it is an individual customer's. Mail held for want of proof keeps its files for agents only until an agent releases or discards it (<code>POST /api/v1/tickets/{id}/held-mail/{messageId}/release</code> or <code>/discard</code>). Files follow one policy on every channel (the API, the web form, mail): up to 5 a message, 5 MB each, PNG, JPEG, GIF, WebP, PDF, ZIP or plain text judged by content, within a per-ticket quota (413 naming it).</p>
<h2 id="reference">Reference</h2>
${tags
  .map(
    (t) =>
      `<h2>${esc(t)}</h2>${OPERATIONS.filter((o) => o.tag === t)
        .map((o) => operationHtml(o, doc, errorText))
        .join('\n')}`,
  )
  .join('\n')}
</main></body></html>`;
}

/** `categories`: the SLA policy's in force, which POST /api/v1/tickets takes and the document lists. */
export function docsRoutes(deps: { categories: () => readonly string[] }): Router {
  const router = Router();
  // Built again only when the policy's categories change: everything else is fixed for the life of the process.
  let built: { key: string; doc: JsonSchema; html: string } | undefined;
  const current = () => {
    const ctx: DocContext = { categories: deps.categories() };
    const key = ctx.categories.join('\n');
    if (built?.key !== key) {
      const doc = openApiDocument(ctx);
      built = { key, doc, html: docsPage(doc) };
    }
    return built;
  };
  router.get('/openapi.json', (_req, res) => {
    res.json(current().doc);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(current().html);
  });
  return router;
}
