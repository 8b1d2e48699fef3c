/**
 * The customer's Service Level Agreement, verbatim: the default terms document every customer without an agreement
 * of their own is under. The portal shows it beside the concrete terms (calendar, targets, scope) it is read as;
 * the acceptance records the version (`slaVersion`), not this text, so the text may only change with a new version.
 */
/** What an address obfuscator left of the support address in the page the SLA was copied from. */
const OBFUSCATED_ADDRESS = '[email protected]';

/** A piece of a line of the SLA as shown to a customer: text, or the desk's support address. */
export type SlaTextPart = { text: string } | { address: string };

/**
 * The text line by line, verbatim but for the obfuscated address, which becomes the desk's real one (MAIL_FROM's):
 * customers are told to write there. The stored text stays as copied; acceptances record its version only.
 */
export function slaTextForReading(text: string, supportAddress: string): SlaTextPart[][] {
  return text
    .split('\n')
    .map((line) =>
      line
        .split(OBFUSCATED_ADDRESS)
        .flatMap((piece, i): SlaTextPart[] => [
          ...(i ? [{ address: supportAddress }] : []),
          ...(piece ? [{ text: piece }] : []),
        ]),
    );
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
