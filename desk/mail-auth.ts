import { isReplyToken } from '../lib/reply-token';

/**
 * Whether a mail proves who sent it. `From:` is whatever the sender typed; the desk trusts a reply only
 * when it carries something only the real person has:
 *
 * - a reply token: the `support+<ticket>.<token>@` address our mail to that person used as Reply-To;
 * - or a Message-ID of a mail the desk sent to that person alone, cited in In-Reply-To/References;
 * - and, when the receiving MTA (a trusted authserv-id, MAIL_TRUSTED_AUTHSERV_IDS) stamped
 *   `Authentication-Results`, a DMARC pass for the From domain. Results from other authserv-ids are
 *   the sender's own words and ignored (RFC 8601 §5: the MTA must also strip forged copies of its own).
 */

export interface SenderProof {
  verified: boolean;
  /** What proved it, or why it is not proved (shown to agents on a held message). */
  reason: string;
}

export type Dmarc = 'pass' | 'fail' | 'none';

/** The DMARC verdict of the first Authentication-Results header from a trusted authserv-id. */
export function dmarcResult(authResults: string[], trusted: string[]): Dmarc {
  const ids = trusted.map((t) => t.toLowerCase());
  for (const h of authResults) {
    const servId = /^\s*([^\s;]+)/.exec(h)?.[1]?.toLowerCase();
    if (!servId || !ids.includes(servId)) continue;
    const verdict = /\bdmarc\s*=\s*(\w+)/i.exec(h)?.[1]?.toLowerCase();
    return verdict === 'pass' ? 'pass' : 'fail';
  }
  return 'none';
}

export interface ProofInput {
  secret: string;
  ticketId: string;
  sender: string;
  recipients: string[];
  /** Recipients of the desk's own mails this message cites (one list per cited mail). */
  citedMailRecipients: string[][];
  dmarc: Dmarc;
}

export function proveSender(p: ProofInput): SenderProof {
  if (p.dmarc === 'fail')
    return { verified: false, reason: 'the receiving server reports no DMARC pass for the sender' };
  const tokens = p.recipients.flatMap(
    (a) => new RegExp(`\\+${p.ticketId}\\.([0-9a-f]{8,64})@`, 'i').exec(a)?.[1] ?? [],
  );
  if (tokens.some((t) => isReplyToken(p.secret, p.ticketId, p.sender, t)))
    return { verified: true, reason: 'reply token' };
  if (p.citedMailRecipients.some((to) => to.length === 1 && to[0]!.toLowerCase() === p.sender.toLowerCase())) {
    return { verified: true, reason: 'cites a mail sent only to the sender' };
  }
  return {
    verified: false,
    reason: tokens.length
      ? 'the reply token does not belong to the sender'
      : 'no reply token and no mail of ours sent to the sender is cited',
  };
}
