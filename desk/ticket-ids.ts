import { randomBytes, createHash } from 'node:crypto';

// Ticket ids on their own, so that customers.ts and retime.ts can name tickets without importing
// tickets.ts (which imports them).

export const workflowIdFor = (ticketId: string) => `ticket-${ticketId}`;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CROCKFORD[bytes[i]! % 32];
  return out;
}

/** Ten Crockford base-32 characters: unguessable enough, short enough to read over the phone. */
export function newTicketId(): string {
  return base32(randomBytes(10), 10);
}

/** The same caller and Idempotency-Key always name the same ticket, so a retry can never start a second. */
export function ticketIdForKey(callerId: string, key: string): string {
  return base32(createHash('sha256').update(`${callerId}\n${key}`).digest(), 10);
}
