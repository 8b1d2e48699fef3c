import { describe, expect, it } from 'vitest';
import { canonicalDomain, canonicalEmail } from '../../lib/email-address';

const address = (raw: string) => {
  const c = canonicalEmail(raw);
  return c.ok ? c.address : `refused: ${c.reason}`;
};

describe('canonical email addresses', () => {
  it('lower-cases, composes (NFC) and IDNA-encodes the domain', () => {
    expect(address('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
    expect(address('jose\u0301@ejemplo.es')).toBe('josé@ejemplo.es');
    expect(address('josé@ejemplo.es')).toBe(address('jose\u0301@ejemplo.es'));
    expect(address('info@Bücher.example')).toBe('info@xn--bcher-kva.example');
    expect(address('иван@пример.рф')).toBe('иван@xn--e1afmkfd.xn--p1ai');
    expect(address('山田@例え.テスト')).toMatch(/^山田@xn--/);
  });

  it('does not fold compatibility characters: a Kelvin sign is not a k', () => {
    expect(address('eve@\u212Ailo.example')).toMatch(/^refused: .*U\+212A/);
    expect(address('eve@kilo.example')).toBe('eve@kilo.example');
    expect(address('ｅｖｅ@kilo.example')).toMatch(/^refused/);
  });

  it('refuses invisible characters, naming them', () => {
    expect(address('ceo@acme\u200b.example')).toBe('refused: contains an invisible character (U+200B)');
    expect(address('c\u200deo@acme.example')).toMatch(/U\+200D/);
    expect(address('ceo@acme.example\u202e')).toMatch(/U\+202E/);
    expect(address('c eo@acme.example')).toMatch(/invisible/);
  });

  it('refuses look-alike letters mixed into another script', () => {
    // Cyrillic а (U+0430) and е (U+0435) among Latin letters
    expect(address('ceo@\u0430cme.example')).toMatch(/^refused: mixes scripts in a label/);
    expect(address('c\u0435o@acme.example')).toMatch(/^refused: mixes scripts in the part before/);
    expect(address('ceo@acme.example')).toBe('ceo@acme.example');
  });

  it('refuses what is not an address', () => {
    expect(address('no-at-sign')).toMatch(/^refused/);
    expect(address('a@localhost')).toMatch(/^refused: the domain/);
    expect(canonicalDomain('Acme.Example')).toMatchObject({ ok: true, domain: 'acme.example' });
  });
});
