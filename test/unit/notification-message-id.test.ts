import { describe, expect, it } from 'vitest';
import { isNotificationMessageId, notificationMessageId } from '../../lib/reply-token';

describe('notification Message-IDs', () => {
  const secret = 'a-secret-of-this-installation-0123456789';

  it('keep the key readable, are the same on every retry, and differ without the secret', () => {
    const id = notificationMessageId(secret, 'T1:assigned:4', 'support.local');
    expect(id).toMatch(/^<T1\.assigned\.4\.[0-9a-f]{16}@support\.local>$/);
    expect(notificationMessageId(secret, 'T1:assigned:4', 'support.local')).toBe(id);
    expect(notificationMessageId('another-secret-0123456789abcdefghij', 'T1:assigned:4', 'support.local')).not.toBe(id);
  });

  it('prove only the ID minted for their key: not a guess, not an ID logged before IDs carried a MAC', () => {
    const id = notificationMessageId(secret, 'T1:acknowledgement', 'support.local');
    expect(isNotificationMessageId(secret, 'T1:acknowledgement', id)).toBe(true);
    expect(isNotificationMessageId(secret, 'T2:acknowledgement', id)).toBe(false);
    expect(isNotificationMessageId(secret, 'T1:acknowledgement', '<T1.acknowledgement@support.local>')).toBe(false);
    expect(isNotificationMessageId(secret, 'T1:acknowledgement', 'garbage')).toBe(false);
  });
});
