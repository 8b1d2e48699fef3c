/**
 * Mail of the sizes people send, made on the spot (no multi-megabyte fixtures in the repository): a
 * pasted server log, a long HTML newsletter, a forwarded thread quoted many levels deep, and HTML
 * nested deeper than any recursive walker's stack. Deterministic: the same arguments give the same bytes.
 */

const KB = 1024;

function headers(subject: string, from: string, contentType: string, extra: string[] = []): string {
  return [
    `From: ${from}`,
    'To: support@desk.test',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W+/g, '-').toLowerCase()}-${contentType.length}@wild.example>`,
    'Date: Mon, 07 Dec 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    ...extra,
    '',
    '',
  ].join('\r\n');
}

/** A customer pasting a Java service's log: stack traces, timestamps, a few non-ASCII names. */
export function pastedLogMail(bytes: number, subject = 'Service crashes every night, log attached inline'): Buffer {
  const lines: string[] = ['Hi, the service died again last night. Here is the log:', ''];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const ts = `2026-12-0${1 + (i % 7)}T0${i % 10}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
    const line =
      i % 17 === 0
        ? `\tat com.example.billing.InvoiceService.render(InvoiceService.java:${i % 900})`
        : i % 5 === 0
          ? `${ts} WARN  [pool-${i % 8}-thread-${i % 3}] Jürgen's job ${i} retried after ${i % 30} ms — queue depth ${i % 97}`
          : `${ts} INFO  [main] request id=${(i * 2654435761) % 4294967296} path=/api/v2/orders/${i} status=200 took=${i % 250}ms`;
    lines.push(line);
    size += line.length + 2;
  }
  lines.push('', 'Thanks, Jürgen');
  return Buffer.from(
    headers(subject, 'Jürgen Ops <ops@customer.example>', 'text/plain; charset=utf-8', [
      'Content-Transfer-Encoding: 8bit',
    ]) + lines.join('\r\n'),
  );
}

/** A marketing newsletter: layout tables, inline styles, images, links, entities, many sections. */
export function newsletterMail(bytes: number, subject = 'December newsletter'): Buffer {
  const head =
    '<!DOCTYPE html><html><head><meta charset="utf-8"><style>td{font-family:Arial} .btn{color:#fff}</style></head><body>' +
    '<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center"><table width="600">';
  const parts: string[] = [head];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const section =
      `<tr><td style="padding:12px 24px;font-size:14px;line-height:20px;color:#333333">` +
      `<h2 style="margin:0">Story ${i}: Fr&ouml;sche &amp; Kr&ouml;ten</h2>` +
      `<p>Our team shipped <b>feature ${i}</b>, see <a href="https://news.example/track?u=${i}&amp;s=abc">the notes</a>. ` +
      `It costs &euro;${i % 100},&nbsp;99 and works with &lt;tags&gt;.</p>` +
      `<ul><li>first point ${i}</li><li>second point</li></ul>` +
      `<img src="https://news.example/img/${i}.png" width="560" alt="banner ${i}">` +
      `</td></tr>\r\n`;
    parts.push(section);
    size += section.length;
  }
  parts.push('</table></td></tr></table><p>Unsubscribe any time.</p></body></html>');
  return Buffer.from(
    headers(subject, 'News <news@vendor.example>', 'text/html; charset=utf-8', ['Content-Transfer-Encoding: 8bit']) +
      parts.join(''),
  );
}

/** HTML nested `depth` levels deep (as some editors and broken converters produce), with text at the bottom. */
export function nestedHtmlMail(depth: number, subject = 'Deeply nested'): Buffer {
  const html = `<html><body>${'<div>'.repeat(depth)}The printer on floor 3 is on fire.${'</div>'.repeat(depth)}</body></html>`;
  return Buffer.from(headers(subject, 'Nest <nest@customer.example>', 'text/html; charset=utf-8') + html);
}

/** A thread forwarded and replied to many times: each level quotes all before it with `>`. */
export function forwardedThreadMail(bytes: number, subject = 'Fwd: Re: Re: contract renewal'): Buffer {
  const levels: string[] = ['We still have not received the signed contract. Can you check?'];
  let text = levels[0]!;
  for (let i = 1; text.length < bytes; i++) {
    const header = [
      `On Mon, ${i} Dec 2026 at 10:${String(i % 60).padStart(2, '0')}, Person ${i} <p${i}@partner.example> wrote:`,
    ];
    const body = `Reply number ${i}: ${'please see below and confirm the numbers. '.repeat(8)}`;
    text = [body, '', ...header, ...text.split('\n').map((l) => `> ${l}`)].join('\n');
    if (text.length > bytes) break;
  }
  return Buffer.from(
    headers(subject, 'Forwarder <fwd@customer.example>', 'text/plain; charset=utf-8', [
      'Content-Transfer-Encoding: 8bit',
    ]) + text.replace(/\n/g, '\r\n'),
  );
}

export const SIZES = { KB, MB: KB * KB };

/**
 * An HTML thread of `replies` replies, each quoting the whole one before in a `<blockquote>` (two levels a
 * reply), as Outlook and Gmail do; each reply is padded with paragraphs so that the whole is about `bytes`.
 */
export function quotedHtmlThreadMail(bytes: number, replies = 200, subject = 'RE: RE: RE: order 4411'): Buffer {
  const para = '<p>The order still shows &quot;pending&quot; &ndash; we need it before the audit on Friday.</p>';
  const perReply = Math.max(0, Math.floor(bytes / replies) - 300);
  const reply = (i: number) =>
    `<div dir="ltr"><p>Reply ${i}: can you check?</p>${para.repeat(Math.ceil(perReply / para.length))}` +
    `<p>Kind regards,<br>Person ${i}<br><span style="color:#888">Customer Inc. &middot; +1 555 0100</span></p></div>` +
    `<div class="gmail_quote">On Mon, ${1 + (i % 28)} Dec 2026, Person ${i + 1} wrote:<br>`;
  const html =
    '<html><body>' +
    Array.from({ length: replies }, (_, i) => `${reply(i)}<blockquote style="margin:0 0 0 .8ex">`).join('') +
    '<p>The first message: order 4411 was placed on 1 Dec.</p>' +
    '</blockquote></div>'.repeat(replies) +
    '</body></html>';
  return Buffer.from(
    headers(subject, 'Quoter <quoter@customer.example>', 'text/html; charset=utf-8', [
      'Content-Transfer-Encoding: 8bit',
    ]) + html,
  );
}

/** The same log pasted into an HTML editor (Outlook, Gmail): one `<div>` a line, entities, mostly text. */
export function htmlPastedLogMail(bytes: number, subject = 'Service crashes (log in the mail)'): Buffer {
  const plain = pastedLogMail(bytes).toString('utf8');
  const body = plain.slice(plain.indexOf('\r\n\r\n') + 4);
  const escape = (l: string) => l.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#39;');
  const html = `<html><body>${body
    .split('\r\n')
    .map((l) => (l ? `<div>${escape(l)}</div>` : '<div><br></div>'))
    .join('\r\n')}</body></html>`;
  return Buffer.from(
    headers(subject, 'Jürgen Ops <ops@customer.example>', 'text/html; charset=utf-8', [
      'Content-Transfer-Encoding: 8bit',
    ]) + html.slice(0, bytes),
  );
}
