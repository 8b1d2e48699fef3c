import type { Request, Response, Router } from 'express';
import type { Macro } from '../../domain/entities';
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import { MACRO_PLACEHOLDERS, type MacroService } from '../../desk/macros';
import type { Principal } from '../../desk/principal';
import { CSRF_FIELD } from '../http/csrf';
import { html, type SafeHtml } from '../http/html';

/**
 * Canned responses in the console (/console/macros): agents read them, admins add, edit and delete them
 * with plain forms (no script), each carrying the session's CSRF token. desk/macros.ts checks every body.
 */

const MACRO_ID = /^K[0-9A-F]{12}$/;
const TITLE_MAX = 120;
const BODY_MAX = 20_000;

export interface MacroPageHelpers {
  macros: MacroService;
  who: (res: Response) => Principal;
  csrf: (req: Request, res: Response) => string;
  csrfOk: (req: Request, res: Response) => boolean;
  render: (req: Request, res: Response, status: number, title: string, body: SafeHtml) => void;
  urlencoded: RequestHandler;
}

interface PageState {
  notice?: string;
  error?: string;
  /** What was typed into the form that failed (`id` is the macro edited, or absent for a new one). */
  draft?: { id?: string; title: string; body: string };
}

function fields(prefix: string, title: string, body: string): SafeHtml {
  return html`<label for="${prefix}-title">Title</label
    ><input
      type="text"
      id="${prefix}-title"
      name="title"
      value="${title}"
      required
      maxlength="${TITLE_MAX}"
      size="50"
    />
    <label for="${prefix}-body">Text</label
    ><textarea id="${prefix}-body" name="body" required maxlength="${BODY_MAX}">${body}</textarea>`;
}

function macroCard(m: Macro, csrf: string, admin: boolean, draft: PageState['draft']): SafeHtml {
  if (!admin)
    return html`<article class="card macro" data-macro-id="${m.id}">
      <h3>${m.title}</h3>
      <pre>${m.body}</pre>
    </article>`;
  const typed = draft?.id === m.id ? draft : m;
  return html`<article class="card macro" data-macro-id="${m.id}">
    <form method="post" action="/console/macros/${m.id}" id="edit-${m.id}">
      <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />${fields(`edit-${m.id}`, typed.title, typed.body)}
      <p><button type="submit">Save</button></p>
    </form>
    <form method="post" action="/console/macros/${m.id}/delete" id="delete-${m.id}">
      <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
      <p>
        <input type="checkbox" id="delete-${m.id}-confirm" name="confirm" value="yes" required />
        <label for="delete-${m.id}-confirm" class="inline">Yes, delete “${m.title}”</label>
        <button type="submit" class="danger">Delete</button>
      </p>
    </form>
  </article>`;
}

function macrosBody(items: Macro[], csrf: string, admin: boolean, s: PageState): SafeHtml {
  const newDraft = s.draft && !s.draft.id ? s.draft : { title: '', body: '' };
  return html`<h1>Canned responses</h1>
    ${s.notice ? html`<p class="banner ok" role="status" id="notice">${s.notice}</p>` : ''}
    ${s.error ? html`<p class="banner" role="alert" id="refusal">${s.error}</p>` : ''}
    <p class="meta">
      Agents fill one into a reply from the ticket page. The text may name
      ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.
    </p>
    ${
      admin
        ? html`<form class="card" method="post" action="/console/macros" id="new-macro">
            <h3>New canned response</h3>
            <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />${fields('new', newDraft.title, newDraft.body)}
            <p><button type="submit">Add</button></p>
          </form>`
        : html`<p class="meta">Only admins change them.</p>`
    }
    <div class="grid" id="macros">${items.map((m) => macroCard(m, csrf, admin, s.draft))}</div>
    ${items.length ? '' : html`<p id="no-macros">No canned responses yet.</p>`}`;
}

const text = (source: unknown, name: string, max: number): string | undefined => {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t && t.length <= max ? t : undefined;
};

const DONE: Record<string, string> = {
  created: 'Canned response added.',
  saved: 'Canned response saved.',
  deleted: 'Canned response deleted.',
};

export function registerMacroPages(router: Router, h: MacroPageHelpers): void {
  const show = async (req: Request, res: Response, status: number, s: PageState = {}) => {
    const admin = h.who(res).role === 'admin';
    h.render(req, res, status, 'Canned responses', macrosBody(await h.macros.list(), h.csrf(req, res), admin, s));
  };

  router.get('/macros', async (req, res) => {
    const done = text(req.query, 'done', 20);
    await show(req, res, 200, { notice: done ? DONE[done] : undefined });
  });

  /** Every change: session CSRF, an admin, the fields within bounds; the desk's refusal (e.g. an unknown placeholder) is shown with what was typed. */
  const change = (kind: 'create' | 'update' | 'delete') => async (req: Request, res: Response) => {
    const id = kind === 'create' ? undefined : String(req.params.id);
    if (id !== undefined && !MACRO_ID.test(id)) return show(req, res, 404, { error: 'No such canned response.' });
    const title = text(req.body, 'title', TITLE_MAX);
    const body = text(req.body, 'body', BODY_MAX);
    const draft = {
      id,
      title: title ?? String((req.body as Record<string, unknown>)?.title ?? ''),
      body: body ?? String((req.body as Record<string, unknown>)?.body ?? ''),
    };
    if (!h.csrfOk(req, res))
      return show(req, res, 403, { error: 'This page had expired, so nothing was changed. Try again.', draft });
    if (h.who(res).role !== 'admin') return show(req, res, 403, { error: 'Only admins change canned responses.' });
    try {
      if (kind === 'delete') {
        if (text(req.body, 'confirm', 10) !== 'yes')
          return show(req, res, 400, { error: 'Tick “Yes, delete” to delete it; nothing was changed.' });
        await h.macros.remove(id!, h.who(res).id);
        return res.redirect(303, '/console/macros?done=deleted');
      }
      if (!title || !body) {
        return show(req, res, 400, {
          error: `Give a title (up to ${TITLE_MAX} characters) and a text (up to ${BODY_MAX.toLocaleString('en')}); nothing was changed.`,
          draft,
        });
      }
      if (kind === 'create') await h.macros.create({ title, body }, h.who(res).id);
      else await h.macros.update(id!, { title, body }, h.who(res).id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found')
        return show(req, res, 404, { error: 'That canned response no longer exists.' });
      if (err instanceof AppError && err.code === 'invalid_input')
        return show(req, res, 400, { error: `Not saved: ${err.message}.`, draft });
      throw err;
    }
    res.redirect(303, `/console/macros?done=${kind === 'create' ? 'created' : 'saved'}`);
  };

  router.post('/macros', h.urlencoded, change('create'));
  router.post('/macros/:id', h.urlencoded, change('update'));
  router.post('/macros/:id/delete', h.urlencoded, change('delete'));
}
