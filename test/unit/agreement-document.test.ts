import { describe, expect, it } from 'vitest';
import { describeSupportHours, type CalendarSpec } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { agreementDocument, DEFAULT_SLA_TEXT } from '../../desk/sla-text';

/** The SLA document a customer reads is their agreement's, never a text that contradicts its terms. */

const KOLKATA: CalendarSpec = {
  timezone: 'Asia/Kolkata',
  windows: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
    day: day as CalendarSpec['windows'][number]['day'],
    open: '09:00',
    close: '18:00',
  })),
  holidays: [],
};
const words = (scope: { training: boolean; customDevelopment: boolean; thirdParty: boolean }) => ({
  supportHours: describeSupportHours(KOLKATA),
  scope,
});

describe("an agreement's SLA document", () => {
  it("is the seed's text for the default agreement", () => {
    const text = agreementDocument(
      { agreement: 'default', policy: DEFAULT_POLICY },
      words({ training: false, customDevelopment: false, thirdParty: false }),
    );
    expect(text).toBe(DEFAULT_SLA_TEXT);
  });

  it("is the organization's own text when its agreement carries one", () => {
    const own = 'Acme support agreement\n- Everything, around the clock';
    expect(
      agreementDocument(
        { agreement: 'org-0123456789', text: own, policy: DEFAULT_POLICY },
        words({ training: true, customDevelopment: true, thirdParty: true }),
      ),
    ).toBe(own);
  });

  it("reads the seed's clauses as an organization's terms set them when it has no text of its own", () => {
    const text = agreementDocument(
      { agreement: 'org-0123456789', policy: DEFAULT_POLICY },
      words({ training: false, customDevelopment: false, thirdParty: true }),
    );
    const limitations = text.slice(text.indexOf('Service Limitations:'), text.indexOf('Communication:'));
    expect(limitations).toContain('- Training on product usage');
    expect(limitations).toContain('- Custom development or modifications');
    expect(limitations).not.toMatch(/third-party/i);
    expect(text).toContain(describeSupportHours(KOLKATA));
    expect(text).not.toContain('Sunday to Thursday: 10:00 PM to 6:00 AM (EST)');
    expect(text).toMatch(/Initial Response Time: .*urgent: 2 hours of support time; high: 8 hours/);
    // The other clauses stay as the seed has them.
    expect(text).toContain('Escalation Procedure: If an issue cannot be resolved');

    const everything = agreementDocument(
      { agreement: 'org-0123456789', policy: DEFAULT_POLICY },
      words({ training: true, customDevelopment: true, thirdParty: true }),
    );
    expect(everything).toMatch(/Service Limitations: Your agreement covers training on product usage/);
    expect(everything).not.toContain('does not cover');
  });
});
