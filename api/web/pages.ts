import { PRIORITIES, type SlaPolicy } from '../../domain/policy';
import { LIVE_SUPPORT_TOOLS } from '../../domain/ticket';
import { CSRF_FIELD } from '../http/csrf';
import { CONTACTS, HONEYPOT, TOOL_NAMES, UPLOAD, type FormErrors, type FormField, type FormValues } from './form';
import { html, layout, type SafeHtml } from '../http/html';
import type { SupportStatus, TicketView } from './view';

/** The pages, rendered on the server. Every value goes through `html`, which escapes it. */

/** The error message the customer pasted is part of their request: shown back with it. */
const errorMessage = (text?: string) =>
  text
    ? html`<p class="meta">Error message:</p>
        <pre id="error-message">${text}</pre>`
    : '';
const humanize = (s: string) => (s.charAt(0).toUpperCase() + s.slice(1)).replace(/[-_]/g, ' ');
const hours = (minutes: number) => `${Math.round((minutes / 60) * 10) / 10} h`;

function supportBanner(s: SupportStatus): SafeHtml {
  const when = s.changeAt
    ? s.open
      ? html` until ${s.changeAt}`
      : html`; it opens ${s.changeAt}`
    : html`, around the clock`;
  const due = s.firstResponse.map(
    (f) =>
      html`<li>
        ${s.firstResponse.length > 1 ? `${f.priorities.join(', ')} priority: ` : ''}<strong>${f.due}</strong>
      </li>`,
  );
  return html`<p class="status ${s.open ? 'open' : 'closed'}" id="support-status">
      Support is <strong>${s.open ? 'open now' : 'closed now'}</strong>${when}.
    </p>
    <p id="first-response">If you send your request now, a first response is due by:</p>
    <ul>
      ${due}
    </ul>`;
}

interface FieldSpec {
  id: FormField | 'screenshots';
  label: string;
  hint?: string;
  errors: FormErrors;
  /** Renders the control with the accessibility attributes it needs. */
  control: (a11y: SafeHtml) => SafeHtml;
}

function field(f: FieldSpec, autofocus: boolean): SafeHtml {
  const error = f.errors[f.id];
  const describedBy = [f.hint && `${f.id}-hint`, error && `${f.id}-error`].filter(Boolean).join(' ');
  const a11y = html`id="${f.id}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}${autofocus ? html` autofocus` : ''}`;
  return html`<div class="field">
    <label for="${f.id}">${f.label}</label> ${f.hint ? html`<p class="hint" id="${f.id}-hint">${f.hint}</p>` : ''}
    ${error ? html`<p class="error" id="${f.id}-error">${error}</p>` : ''}${f.control(a11y)}
  </div>`;
}

function options(items: { value: string; label: string }[], selected: string): SafeHtml[] {
  return items.map(
    (o) => html`<option value="${o.value}" ${o.value === selected ? html` selected` : ''}>${o.label}</option>`,
  );
}

function categoryLabel(category: string, policy: SlaPolicy): string {
  if (!policy.outOfScopeCategories.includes(category)) return humanize(category);
  if (category === 'training') return 'Training (outside the SLA unless your agreement includes training)';
  return `${humanize(category)} (outside the SLA)`;
}

export interface FormPage {
  csrf: string;
  values: FormValues;
  errors: FormErrors;
  support: SupportStatus;
  policy: SlaPolicy;
  banner?: string;
}

const ORDER: (FormField | 'screenshots')[] = [
  'email',
  'name',
  'subject',
  'description',
  'category',
  'priority',
  'errorMessage',
  'contact',
  'liveTool',
  'screenshots',
];

export function formPage(p: FormPage): string {
  const { values: v, errors, policy } = p;
  const invalid = ORDER.filter((f) => errors[f]);
  const focus = (id: string) => invalid[0] === id;
  const text = (id: FormField, type: string, extra: SafeHtml) => (a: SafeHtml) =>
    html`<input type="${type}" name="${id}" ${a} value="${v[id]}" ${extra} />`;
  const spec = (id: FieldSpec['id'], label: string, control: FieldSpec['control'], hint?: string) =>
    field({ id, label, hint, errors, control }, focus(id));

  const summary = invalid.length
    ? html`<div class="summary" role="alert" id="error-summary">
        <h2>Please check ${invalid.length === 1 ? 'one field' : `${invalid.length} fields`}</h2>
        <ul>
          ${invalid.map((f) => html`<li><a href="#${f}">${errors[f]}</a></li>`)}
        </ul>
      </div>`
    : '';
  const contact = html`<fieldset class="field" ${errors.contact ? html` aria-describedby="contact-error"` : ''}>
    <legend>How should we reach you?</legend>
    ${errors.contact ? html`<p class="error" id="contact-error">${errors.contact}</p>` : ''}
    ${Object.entries(CONTACTS).map(([value, label]) => html`<label class="choice"><input type="radio" name="contact" value="${value}" ${v.contact === value ? html` checked` : ''}${value === 'web' ? html` id="contact"` : ''} /> ${label}</label>`)}
  </fieldset>`;

  const body = html`<h1>Contact support</h1>
    ${supportBanner(p.support)} ${p.banner ? html`<p class="banner" role="alert">${p.banner}</p>` : ''} ${summary}
    <form method="post" action="/" enctype="multipart/form-data" novalidate>
      <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" />
      <div class="hp" aria-hidden="true">
        <label for="${HONEYPOT}">Leave this field empty</label
        ><input type="text" id="${HONEYPOT}" name="${HONEYPOT}" tabindex="-1" autocomplete="off" />
      </div>
      ${spec('email', 'Your email address', text('email', 'email', html`autocomplete="email" required`), 'We send the acknowledgement and replies here.')}
      ${spec('name', 'Your name (optional)', text('name', 'text', html`autocomplete="name"`))}
      ${spec('subject', 'Subject', text('subject', 'text', html`required maxlength="200"`))}
      ${spec('description', 'What happened?', (a) => html`<textarea name="description" ${a} required>${v.description}</textarea>`, 'What you did, what you expected, and what happened instead.')}
      ${spec(
        'category',
        'Category',
        (a) =>
          html`<select name="category" ${a} required>
            ${options([{ value: '', label: 'Choose a category' }, ...policy.categories.map((c) => ({ value: c, label: categoryLabel(c, policy) }))], v.category)}
          </select>`,
      )}
      ${spec(
        'priority',
        'Priority',
        (a) =>
          html`<select name="priority" ${a}>
            ${options(
              PRIORITIES.map((pr) => ({
                value: pr,
                label: `${humanize(pr)}: resolution within ${hours(policy.targets[pr].resolution.minutes)} of support time`,
              })),
              v.priority,
            )}
          </select>`,
      )}
      ${spec('errorMessage', 'Error message (optional)', (a) => html`<textarea name="errorMessage" ${a}>${v.errorMessage}</textarea>`, 'Paste the exact text of any error you saw.')}
      ${contact}
      ${spec(
        'liveTool',
        'Tool for a live session',
        (a) =>
          html`<select name="liveTool" ${a}>
            ${options([{ value: '', label: 'No live session' }, ...LIVE_SUPPORT_TOOLS.map((t) => ({ value: t, label: TOOL_NAMES[t] }))], v.liveTool)}
          </select>`,
        'Only needed if you chose a live support session.',
      )}
      ${spec('screenshots', 'Screenshots or logs (optional)', (a) => html`<input type="file" name="screenshots" ${a} multiple accept="${UPLOAD.accept}" />`, `Up to ${UPLOAD.maxFiles} files of ${UPLOAD.maxBytes / 1024 / 1024} MB each: PNG, JPEG, GIF, WebP, PDF, ZIP or plain text.`)}
      <button type="submit">Send to support</button>
    </form>`;
  return layout('Contact support', body);
}

/** `link` null: the address was already a customer's, so the link went to that mailbox only. */
export function confirmationPage(p: {
  ticketId: string;
  /** When the first response is due; null when not known yet (the page says the agreement's targets apply). */
  firstResponseDue: string | null;
  /** Set when the request is outside the agreement's scope: it waits for an agent's review instead. */
  review?: { until: string; category: string };
  link: string | null;
  origin: string;
  email: string;
  /** The organization the address joins once proven by the mailed link (desk/customers.ts). */
  pendingOrganization?: string;
}): string {
  const pending = p.pendingOrganization
    ? html`<p id="pending-organization">
        Your address is at the domain of <strong>${p.pendingOrganization}</strong>, but we have not confirmed it is
        yours yet, so this request is handled as an individual customer's under our standard agreement. Open the link we
        mailed you to confirm it: your next requests count as ${p.pendingOrganization}'s.
      </p>`
    : '';
  const where = p.link
    ? html`<p>
          Follow the conversation, see the service level and reply on your private ticket page:<br /><a id="private-link" href="${p.link}"><code>${p.origin}${p.link}</code></a>
        </p>
        <p class="hint">
          Keep this link to yourself: anyone who has it can read and answer this ticket. Bookmark it now; it is also in
          ${p.review ? 'the mail we sent you' : 'the acknowledgement mail'}.
        </p>`
    : html`<p id="link-mailed">
          We sent the link to your private ticket page to <strong>${p.email}</strong>. Open it from that mail to follow
          the conversation and reply.
        </p>
        <p class="hint">Lost it? <a href="/link">Get your ticket links by email</a>.</p>`;
  return layout(
    `Ticket #${p.ticketId} received`,
    html`<h1>We received your request</h1>
      <p class="banner ok" role="status">Your ticket number is <strong id="ticket-number">#${p.ticketId}</strong>.</p>
      ${
        p.review
          ? html`${reviewNotice(p.review)}
              <p>We also sent you this by email.</p>`
          : p.firstResponseDue
            ? html`<p>
                A first response is due by <strong id="first-response-due">${p.firstResponseDue}</strong>. We also sent
                an acknowledgement by email.
              </p>`
            : html`<p>
                A first response is due within the targets of your service level agreement. We also sent an
                acknowledgement by email.
              </p>`
      }
      ${pending}${where}`,
  );
}

export interface TicketPage {
  ticket: TicketView;
  /** The ticket's files, linked through this private page. */
  files: SafeHtml;
  /** Where the reply form posts: the private link itself. */
  action: string;
  csrf: string;
  reply: string;
  replyError?: string;
  /** Why the files sent with a reply were refused (nothing was sent). */
  filesError?: string;
  notice?: string;
}

/** A request outside the agreement's scope waits for an agent's decision: until when, and what happens then. */
export const reviewNotice = (review: { until: string; category: string }) =>
  html`<p class="banner" role="status" id="scope-review">
    Your request is <strong>under review until <span id="review-until">${review.until}</span></strong
    >: ${review.category.replace(/-/g, ' ')} is outside the scope of your agreement. If an agent accepts it, we handle
    it under your agreement and the service level clocks start then; otherwise it closes at that time as out of scope.
    You can reply meanwhile to add information.
  </p>`;

export function ticketPage(p: TicketPage): string {
  const t = p.ticket;
  const clocks = t.slaUnknown
    ? html`<p>The service level is being updated; reload the page in a moment.</p>`
    : t.review && !t.clocks.length
      ? html`<p id="sla-waits">The service level clocks start once your request is accepted.</p>`
      : html`<table id="sla" class="cards">
          <thead>
            <tr>
              <th scope="col">Clock</th>
              <th scope="col">Due</th>
              <th scope="col">Remaining</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            ${t.clocks.map(
              (c) =>
                html`<tr>
                  <th scope="row">${c.name}</th>
                  <td data-label="Due">${c.due}</td>
                  <td data-label="Remaining">${c.remaining}</td>
                  <td data-label="State">${c.state}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  const thread = t.thread.length
    ? t.thread.map(
        (m) =>
          html`<article class="msg ${m.fromCustomer ? 'customer' : 'support'}">
            <p class="meta">${m.label ? html`<strong>${m.label}</strong> · ` : ''}${m.author} · ${m.at}</p>
            <pre>${m.body}</pre>
          </article>`,
      )
    : html`<p>No replies yet.</p>`;
  return layout(
    `Ticket #${t.id}`,
    html`<h1>#${t.id}: ${t.subject}</h1>
      ${p.notice ? html`<p class="banner ok" role="status">${p.notice}</p>` : ''}
      <p>
        Status: <strong id="ticket-status">${t.review ? 'under review' : (t.waitingOn ?? t.status.replace(/_/g, ' '))}</strong> ·
        received ${t.receivedAt}
      </p>
      ${t.review ? reviewNotice(t.review) : ''}
      <details>
        <summary>Your request</summary>
        <pre id="description">${t.description}</pre>
        ${errorMessage(t.errorMessage)}
      </details>
      <h2>Service level</h2>
      <p id="agreement-terms">Support hours are ${t.terms.supportHours}. ${t.terms.targets}</p>
      ${clocks}
      <h2>Conversation</h2>
      <div id="thread">${thread}</div>
      ${p.files}
      ${t.closed ? html`<p class="banner" id="closed-notice">This ticket is closed, so it takes no more replies. <a href="/">Open a new ticket</a> if you need more help.</p>` : replyForm(p)}`,
  );
}

function replyForm(p: TicketPage): SafeHtml {
  const err = p.replyError;
  const filesErr = p.filesError;
  const hint = `Up to ${UPLOAD.maxFiles} files of ${UPLOAD.maxBytes / 1024 / 1024} MB each: PNG, JPEG, GIF, WebP, PDF, ZIP or plain text.`;
  return html`<h2>Reply</h2>
    <form method="post" action="${p.action}" enctype="multipart/form-data" novalidate>
      <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" />
      <div class="field">
        <label for="reply">Your message</label>
        ${err ? html`<p class="error" id="reply-error">${err}</p>` : ''}
        <textarea
          id="reply"
          name="body"
          required${err ? html` aria-invalid="true" aria-describedby="reply-error" autofocus` : ''}
        >
${p.reply}</textarea>
      </div>
      <div class="field">
        <label for="reply-files">Files (optional)</label>
        <p class="hint" id="reply-files-hint">${hint}</p>
        ${filesErr ? html`<p class="error" id="reply-files-error">${filesErr}</p>` : ''}
        <input
          type="file"
          id="reply-files"
          name="screenshots"
          multiple
          accept="${UPLOAD.accept}"
          aria-describedby="reply-files-hint${filesErr ? ' reply-files-error' : ''}"
          ${filesErr ? html` aria-invalid="true" autofocus` : ''}
        />
      </div>
      <button type="submit">Send reply</button>
    </form>`;
}

export function messagePage(
  title: string,
  text: string,
  link = html`<a href="/">Back to the support form</a>`,
): string {
  return layout(
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>
      <p>${link}</p>`,
  );
}
