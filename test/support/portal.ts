import { readOutbox } from './outbox';
import { eventually } from './wait';

/** The portal as a browser without JavaScript uses it: forms, cookies, redirects followed by hand. */

/** Every sign-in link mailed to `email` so far, oldest first (read from the captured .eml files). */
export async function signInLinks(outbox: string, email: string): Promise<string[]> {
  const mails = (await readOutbox(outbox)).filter(
    (m) => m.headers.get('x-notification-kind') === 'portal_sign_in' && JSON.stringify(m.to ?? '').includes(email),
  );
  return mails
    .map((m) => /(http\S+\/portal\/sign-in\/[A-Za-z0-9_-]{43})/.exec(m.text ?? '')?.[1] ?? '')
    .filter(Boolean);
}

/** A cookie jar over fetch: what a browser keeps between pages. `headers` go with every request (e.g. X-Forwarded-For). */
export function browserLike(baseUrl: string, headers: Record<string, string> = {}) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  async function request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { ...headers, cookie: cookie() },
      body: form ? new URLSearchParams(form) : undefined,
    });
    keep(res);
    return {
      status: res.status,
      location: res.headers.get('location'),
      page: await res.text(),
      setCookies: res.headers.getSetCookie(),
      headers: res.headers,
    };
  }
  return {
    jar,
    get: (path: string) => request('GET', path),
    post: (path: string, form: Record<string, string>) => request('POST', path, form),
    /** The CSRF token of the form on a page. */
    csrfOf: (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '',
  };
}

export type BrowserLike = ReturnType<typeof browserLike>;

/** Asks for a sign-in link on the portal's page; the answer page (the same for any address). */
export async function requestSignIn(b: BrowserLike, email: string) {
  const form = await b.get('/portal');
  return b.post('/portal/sign-in', { csrf: b.csrfOf(form.page), email });
}

/** Asks for a link, waits for its mail, opens it and confirms: the browser is then signed in. Returns the link used. */
export async function signIn(b: BrowserLike, outbox: string, email: string): Promise<string> {
  const before = (await signInLinks(outbox, email)).length;
  const asked = await requestSignIn(b, email);
  if (asked.status !== 200) throw new Error(`sign-in request answered ${asked.status}`);
  const links = await eventually(
    async () => {
      const all = await signInLinks(outbox, email);
      return all.length > before && all;
    },
    15_000,
    `the sign-in mail to ${email}`,
  );
  const link = links.at(-1)!;
  const confirm = await b.get(link);
  if (confirm.status !== 200) throw new Error(`sign-in link answered ${confirm.status}`);
  const done = await b.post(new URL(link).pathname, { csrf: b.csrfOf(confirm.page) });
  if (done.status !== 303 || done.location !== '/portal')
    throw new Error(`sign-in answered ${done.status} ${done.location}`);
  return link;
}
