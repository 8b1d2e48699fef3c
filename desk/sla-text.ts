/**
 * The customer's Service Level Agreement, verbatim: the default terms document every customer without an agreement
 * of their own is under. The portal shows it beside the concrete terms (calendar, targets, scope) it is read as;
 * the acceptance records the version (`slaVersion`), not this text, so the text may only change with a new version.
 */
import { describeScope, SCOPE_ITEM_WORDS, SCOPE_NAMES, type AgreementScope } from '../domain/agreement';
import { PRIORITIES, describeTarget, type SlaPolicy } from '../domain/policy';

/** What an address obfuscator left of the support address in the page the SLA was copied from. */
const OBFUSCATED_ADDRESS = '[email protected]';

/** A piece of a line of the SLA as shown to a customer: text, or the desk's support address. */
export type SlaTextPart = { text: string } | { address: string };

/** A list item with nothing in it (the copied SLA has two bare "-" lines). */
const isEmptyItem = (line: string) => /^\s*-\s*$/.test(line);

/**
 * The text line by line, verbatim but for the obfuscated address, which becomes the desk's real one (MAIL_FROM's):
 * customers are told to write there, and for empty list items, which are left out. The stored text stays as
 * copied; acceptances record its version only.
 */
export function slaTextForReading(text: string, supportAddress: string): SlaTextPart[][] {
  return text
    .split('\n')
    .filter((line) => !isEmptyItem(line))
    .map((line) =>
      line
        .split(OBFUSCATED_ADDRESS)
        .flatMap((piece, i): SlaTextPart[] => [
          ...(i ? [{ address: supportAddress }] : []),
          ...(piece ? [{ text: piece }] : []),
        ]),
    );
}

/** What an agreement sets that the default document speaks of: its hours and targets in words, and its scope. */
export interface AgreementWords {
  /** domain/calendar/support-hours.ts `describeSupportHours`. */
  supportHours: string;
  /** Each priority's first-response target in words, highest priority first, e.g. "urgent: 2 hours of support time". */
  firstResponse: string[];
  scope: AgreementScope;
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The default document as an organization's agreement without a text of its own reads: the same clauses, but the
 * availability, the initial response time and the limitations say what that agreement sets, so the page never
 * shows terms above a text that says the opposite. Replaces a clause's line and its list items.
 */
export function documentForAgreement(text: string, words: AgreementWords): string {
  const excluded = SCOPE_NAMES.filter((n) => !words.scope[n]).map((n) => `- ${capitalized(SCOPE_ITEM_WORDS[n])}`);
  const clauses: Record<string, string[]> = {
    'Support Availability:': [
      'Support Availability: Support will be available during the following hours:',
      `- ${capitalized(words.supportHours)}`,
    ],
    'Initial Response Time:': [
      `Initial Response Time: Our goal is to respond to support requests within these times of receipt, counted during support hours: ${words.firstResponse.join('; ')}.`,
    ],
    'Service Limitations:': excluded.length
      ? ['Service Limitations: Support does not cover the following:', ...excluded]
      : [`Service Limitations: ${describeScope(words.scope)}`],
  };
  const out: string[] = [];
  let replacing = false;
  for (const line of text.split('\n')) {
    const clause = Object.keys(clauses).find((c) => line.startsWith(c));
    if (clause) {
      out.push(...clauses[clause]!);
      replacing = true;
    } else if (replacing && /^\s*-/.test(line)) {
      continue; // an item of the clause just replaced
    } else {
      replacing = false;
      out.push(line);
    }
  }
  return out.join('\n');
}

/**
 * The SLA document of an agreement: its own text; the default agreement's is the seed's; an organization's without
 * one reads the seed's clauses as its own terms set them.
 */
export function agreementDocument(
  terms: { agreement: string; text?: string; policy: SlaPolicy },
  words: Pick<AgreementWords, 'supportHours' | 'scope'>,
): string {
  if (terms.text) return terms.text;
  if (terms.agreement === 'default') return DEFAULT_SLA_TEXT;
  const firstResponse = [...PRIORITIES]
    .reverse()
    .map((p) => `${p}: ${describeTarget(terms.policy.targets[p].firstResponse)}`);
  return documentForAgreement(DEFAULT_SLA_TEXT, { ...words, firstResponse });
}

export const DEFAULT_SLA_TEXT = `Service Level Agreement
Service Description: The support service aims to provide assistance and resolution for technical issues related to our products or services.
Support Channels: Support can be accessed through the following channels:
-
- Email: [email protected]
- Helpdesk Ticketing System: https://help.codexpert.io/add-ticket
- Live Support: We will assist the client’s preferred communication channel, such as Google Meet or Team Viewer, to provide our live support services
Support Availability: Support will be available during the following hours:
- Sunday to Thursday: 10:00 PM to 6:00 AM (EST)
- Excluding public holidays
Initial Response Time: Our goal is to acknowledge and respond to support requests within 24 hours of receipt during normal business hours.
Issue Resolution: We will make reasonable efforts to provide timely resolutions to support issues. The time required for resolution will depend on the complexity of the issue and may vary on a case-by-case basis.
Escalation Procedure: If an issue cannot be resolved within a reasonable time frame, it will be escalated to the appropriate level of support or management for further attention and prioritization.
Service Limitations: Support does not cover the following:
-
- Training on product usage (unless specifically included in the agreed service scope)
- Custom development or modifications
- Support for third-party products or services
Communication: All communication related to support requests should be conducted through the designated support channels mentioned above. Clear and detailed information about the issue, including relevant error messages or screenshots, will help expedite the resolution process.
Updates and Maintenance: Periodic updates, bug fixes, and maintenance releases may be provided for our products or services. These updates will be communicated to customers through the appropriate channels.
Service Level Agreement Review: This Service Level Agreement will be reviewed periodically to ensure its effectiveness and may be revised or updated as necessary. The authority holds the power of making changes at any time.
By engaging our support services, you agree to comply with the terms and conditions outlined in this SLA (Service Level Agreement). Please reach out to us if you have any questions or requirements for further clarification.`;
