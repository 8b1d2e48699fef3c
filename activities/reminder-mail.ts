/** The words of a policy's reminder to an organization's admins: customers, so the agreement's terms, not the desk's. */

interface ReminderFacts {
  ticketId: string;
  subject: string;
  metric?: string;
  dueLocal?: string;
  threshold?: number;
  portalUrl?: string;
}

/** 0.5 → "50 %", 0.333 → "33 %". */
export const percent = (fraction: number) => `${Math.round(fraction * 100)} %`;

const WHAT: Record<string, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
};

export function organizationReminder(f: ReminderFacts, dueText: string): { title: string; paragraphs: string[] } {
  const what = WHAT[f.metric ?? ''] ?? 'response';
  return {
    title: `Your organization's ticket: ${what} due ${f.dueLocal} [#${f.ticketId}]`,
    paragraphs: [
      `Ticket #${f.ticketId} "${f.subject}" has used ${f.threshold !== undefined ? percent(f.threshold) : 'most'} of the time your agreement sets for its ${what}, which is due ${dueText}.`,
      `We are on it. You can follow the ticket in the portal${f.portalUrl ? `: ${f.portalUrl}` : ''}.`,
    ],
  };
}
