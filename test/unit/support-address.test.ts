import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_TEXT, slaTextForReading } from '../../desk/sla-text';
import { ConfigError, loadConfig } from '../../lib/config';

/** The address customers write to: MAIL_FROM's, and the one the SLA's e-mail channel shows. */

describe('the support address', () => {
  it("is MAIL_FROM's address, named or bare; a MAIL_FROM without one stops the start naming the variable", () => {
    expect(loadConfig({}).supportAddress).toBe('support@codexpert.io');
    expect(loadConfig({ MAIL_FROM: 'Help Desk <help@acme.example>' }).supportAddress).toBe('help@acme.example');
    expect(loadConfig({ MAIL_FROM: 'help@acme.example' }).supportAddress).toBe('help@acme.example');
    for (const bad of ['Help Desk', 'Help <not an address>', 'a@b.example, c@d.example']) {
      expect(() => loadConfig({ MAIL_FROM: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ MAIL_FROM: bad }), bad).toThrow(/MAIL_FROM/);
    }
  });

  it("replaces the SLA text's obfuscated address, leaves out its empty list items and keeps every other line verbatim", () => {
    const lines = slaTextForReading(DEFAULT_SLA_TEXT, 'help@acme.example');
    const copied = DEFAULT_SLA_TEXT.split('\n');
    // The copied text has two bare "-" items; the reader sees none.
    expect(copied.filter((l) => l.trim() === '-')).toHaveLength(2);
    const source = copied.filter((l) => l.trim() !== '-');
    expect(lines).toHaveLength(source.length);
    const email = source.findIndex((l) => l.includes('[email protected]'));
    expect(lines[email]).toEqual([{ text: '- Email: ' }, { address: 'help@acme.example' }]);
    lines.forEach((parts, i) => {
      if (i !== email) expect(parts.map((p) => ('text' in p ? p.text : p.address)).join('')).toBe(source[i]);
    });
    // The stored text is the customer's, as copied: its version is what acceptances record.
    expect(DEFAULT_SLA_TEXT).toContain('- Email: [email protected]');
  });
});
