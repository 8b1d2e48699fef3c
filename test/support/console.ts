/** Signs in to the console as a browser would (CSRF pair, then the key) and returns the cookies to send. */
export async function consoleLogin(baseUrl: string, apiKey: string): Promise<string> {
  const login = await fetch(`${baseUrl}/console/login`);
  const csrfCookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('sd_csrf='))!
    .split(';')[0]!;
  const token = /name="csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const res = await fetch(`${baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: token, apiKey }).toString(),
  });
  if (res.status !== 303) throw new Error(`console sign-in answered ${res.status}`);
  return `${csrfCookie}; ${
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith('sd_console='))!
      .split(';')[0]!
  }`;
}

/** The cookies `consoleLogin` returns, as a browser context takes them (`context.addCookies`) for `baseUrl`'s host. */
export function browserCookies(baseUrl: string, cookieHeader: string) {
  const domain = new URL(baseUrl).hostname;
  return cookieHeader.split('; ').map((c) => {
    const [name, value] = c.split('=') as [string, string];
    return { name, value, domain, path: '/' };
  });
}
