import { createHmac, timingSafeEqual } from 'node:crypto';
import { isSecret, secretHash } from './secrets';

/**
 * Where each reader finds a ticket. A customer's private link `/t/<token>` carries an HMAC of the
 * ticket id, so the API (which hands it out and checks it) and the worker (which mails it) mint the
 * same link from the same key without sharing state; the store keeps only the token's hash, to find
 * the ticket. Staff read tickets in the console at `/console/tickets/<id>`, behind its session.
 */

const LABEL = 'sla-desk private ticket links';

/**
 * The key links are signed with: LINK_SECRET when set, else derived from the admin key (the same
 * derivation the web form used, so links handed out before keep working). Rotating it voids every link.
 */
export function linkKeyFrom(linkSecretOrAdminKey: string): Buffer {
  return createHmac('sha256', linkSecretOrAdminKey).update(LABEL).digest();
}

export function createTicketLinks(deps: { key: Buffer; publicUrl: string }) {
  const base = deps.publicUrl.replace(/\/+$/, '');
  const tokenFor = (ticketId: string) => createHmac('sha256', deps.key).update(ticketId).digest('base64url');
  /** The rating link names its ticket and is signed under its own label: it rates, it does not open the ticket. */
  const ratingMac = (ticketId: string) =>
    createHmac('sha256', deps.key).update(`rating\n${ticketId}`).digest('base64url');
  const ratingToken = (ticketId: string) => `${ticketId}.${ratingMac(ticketId)}`;
  return {
    tokenFor,
    /** The hash stored with the ticket, by which a link finds it. */
    hashFor: (ticketId: string) => secretHash(tokenFor(ticketId)),
    /** null for anything that cannot be a token: no store lookup for junk. */
    hashOfToken: (token: string) => (isSecret(token) ? secretHash(token) : null),
    customerPath: (ticketId: string) => `/t/${tokenFor(ticketId)}`,
    customerUrl: (ticketId: string) => `${base}/t/${tokenFor(ticketId)}`,
    staffUrl: (ticketId: string) => `${base}/console/tickets/${encodeURIComponent(ticketId)}`,
    /** A ticket's file, downloaded in the console (behind its session). */
    staffFileUrl: (ticketId: string, fileId: string) =>
      `${base}/console/tickets/${encodeURIComponent(ticketId)}/files/${encodeURIComponent(fileId)}`,
    /** The page where a customer asks for their links again. */
    lostLinkUrl: () => `${base}/link`,
    /** The customer portal (its sign-in page when signed out). */
    portalUrl: () => `${base}/portal`,
    /** The portal's list of announcements (its sign-in page first when signed out). */
    portalAnnouncementsUrl: () => `${base}/portal/announcements`,
    /** Where a customer rates a resolved ticket (desk/ratings.ts): mailed with the resolution, linked on the portal. */
    ratingPath: (ticketId: string) => `/rate/${ratingToken(ticketId)}`,
    ratingUrl: (ticketId: string) => `${base}/rate/${ratingToken(ticketId)}`,
    /** The ticket a rating token names, or null when the token is not ours. */
    ratingTicketOf(token: string): string | null {
      const [ticketId, mac, extra] = token.split('.');
      if (!ticketId || !mac || extra !== undefined || !/^[0-9A-Z]{6,16}$/.test(ticketId)) return null;
      const expected = Buffer.from(ratingMac(ticketId));
      const given = Buffer.from(mac);
      return given.length === expected.length && timingSafeEqual(given, expected) ? ticketId : null;
    },
    /** A mailed portal sign-in link. */
    portalSignInUrl: (token: string) => `${base}/portal/sign-in/${token}`,
  };
}

export type TicketLinks = ReturnType<typeof createTicketLinks>;
