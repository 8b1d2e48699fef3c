import type { SlaOutcome } from './report-types';

/** The outcomes as CSV: RFC 4180, CRLF line ends, one header line. */

/** The CSV's columns, in order (documented in the README). */
export const OUTCOME_COLUMNS = [
  'ticket_id',
  'subject',
  'organization_id',
  'organization',
  'customer_id',
  'customer_email',
  'priority',
  'category',
  'clock',
  'outcome',
  'at',
  'due_at',
  'business_minutes_used',
  'business_minutes_left',
] as const;

const cellsOf = (o: SlaOutcome): (string | number | null)[] => [
  o.ticketId,
  o.subject,
  o.organizationId,
  o.organization,
  o.customerId,
  o.customerEmail,
  o.priority,
  o.category,
  o.metric,
  o.outcome,
  o.at,
  o.dueAt,
  o.businessMinutesUsed,
  o.businessMinutesLeft,
];

/**
 * RFC 4180 quoting. A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with a quote
 * mark: subjects are the customers' words.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function outcomesCsv(rows: SlaOutcome[]): string {
  const lines = [OUTCOME_COLUMNS.join(','), ...rows.map((o) => cellsOf(o).map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
