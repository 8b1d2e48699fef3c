import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTicketLinks } from '../../desk/ticket-links';

const links = createTicketLinks({ key: randomBytes(32), publicUrl: 'https://support.example/' });

describe('rating links', () => {
  it('name their ticket and are signed for it alone', () => {
    const url = links.ratingUrl('ABC1234');
    expect(url).toMatch(/^https:\/\/support\.example\/rate\/ABC1234\.[A-Za-z0-9_-]{43}$/);
    const token = url.slice(url.lastIndexOf('/') + 1);
    expect(links.ratingTicketOf(token)).toBe('ABC1234');
    // Another ticket's signature, a changed one, another key's, and junk name nothing.
    const mac = token.split('.')[1]!;
    expect(links.ratingTicketOf(`ABC1235.${mac}`)).toBeNull();
    expect(links.ratingTicketOf(`ABC1234.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    const other = createTicketLinks({ key: randomBytes(32), publicUrl: 'https://support.example' });
    expect(links.ratingTicketOf(other.ratingPath('ABC1234').slice('/rate/'.length))).toBeNull();
    for (const junk of ['', 'ABC1234', 'ABC1234.', `abc1234.${mac}`, `ABC1234.${mac}.x`]) {
      expect(links.ratingTicketOf(junk)).toBeNull();
    }
  });

  it("are not the ticket's private link: they rate, they do not open it", () => {
    expect(links.ratingPath('ABC1234')).not.toContain(links.tokenFor('ABC1234'));
    expect(links.hashOfToken(links.ratingPath('ABC1234').slice('/rate/'.length))).toBeNull();
  });
});
