import { describe, expect, it } from 'vitest';
import { renderAnnouncement, renderMail } from '../../activities/mail-templates';

/** What a mail client shows of an HTML part: the text between tags, with <br> and </p> as line ends. */
const shown = (html: string) =>
  html
    .replace(/<br>/g, '\n')
    .replace(/<\/(p|h1)>/g, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]);

describe('the HTML part of a mail says what its text part says', () => {
  const ticketUrl = 'http://desk.example/t/AbC_123-x';

  it("keeps an agent's line breaks and paragraphs, which HTML would run together", () => {
    const body = 'Hello Ada,\r\n\r\nplease send:\r\n- the browser version\r\n- the console log\r\n\r\nSam';
    const mail = renderMail('agent_reply', { ticketId: 'T1', subject: 'Export', ticketUrl, body });
    expect(shown(mail.html)).toContain('Hello Ada,\n\nplease send:\n- the browser version\n- the console log\n\nSam');
  });

  it('links every address it names, so a click opens the ticket and the portal', () => {
    const mail = renderMail('acknowledgement', {
      ticketId: 'T1',
      subject: 'Export',
      ticketUrl,
      dueLocal: 'Mon',
      dueUtc: 'Mon',
      portalUrl: 'http://desk.example/portal',
    });
    expect(hrefs(mail.html)).toEqual(['http://desk.example/portal', ticketUrl]);
    const reply = renderMail('agent_reply', {
      ticketId: 'T1',
      subject: 'x',
      ticketUrl,
      body: 'See https://docs.example/a?b=1&c=2. Or <https://x.example/"y>',
    });
    expect(hrefs(reply.html)).toEqual(['https://docs.example/a?b=1&amp;c=2', 'https://x.example/', ticketUrl]);
    expect(shown(reply.html)).toContain('See https://docs.example/a?b=1&amp;c=2. Or &lt;https://x.example/&quot;y&gt;');
  });

  it('keeps the line breaks of an announcement', () => {
    const a = renderAnnouncement({
      kind: 'maintenance',
      title: 'Upgrade',
      body: 'Export is down Tuesday.\nExpect 10 minutes.',
      deskUrl: 'http://desk.example',
      announcementsUrl: 'http://desk.example/portal/announcements',
    });
    expect(shown(a.html)).toContain('Export is down Tuesday.\nExpect 10 minutes.');
    expect(hrefs(a.html)).toEqual(['http://desk.example/portal/announcements', 'http://desk.example']);
  });
});
