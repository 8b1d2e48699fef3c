/** Every notification as a plain-text and an HTML part, rendered from the facts the workflow sends. */
import { categoryWords } from '../domain/agreement';
import type { NotificationKind } from '../domain/ticket-sla';
import { escapeHtml } from '../lib/escape-html';
import { textToHtml } from '../lib/mail-html';
import { organizationReminder, percent } from './reminder-mail';

export type { NotificationKind };

export interface TemplateFacts {
  ticketId: string;
  subject: string;
  ticketUrl: string;
  metric?: string;
  dueLocal?: string;
  dueUtc?: string;
  level?: string;
  reason?: string;
  body?: string;
  /** The ticket's calendar in words (domain/calendar/support-hours.ts), e.g. "Sunday to Thursday, 10 PM to 6 AM (EST)". */
  supportHours?: string;
  /** The customer portal (customers' mails only). */
  portalUrl?: string;
  priority?: string;
  /** Who wrote the message a notice quotes. */
  author?: string;
  /** The mail goes to the ticket's assignee rather than a level's contacts: it speaks of "your ticket". */
  forAssignee?: boolean;
  /** The files that came with the message a notice quotes, each with where staff download it. */
  files?: { name: string; size: number; url: string }[];
  /** Customers' mails: the scope of the ticket's agreement in words (domain/agreement.ts `describeScope`). */
  scope?: string;
  /** Customers' mails: the agreement's targets for the ticket's priority (domain/policy.ts `describeTargets`). */
  targets?: string;
  /** Scope notices: the category decided on and, after a reclassification, the one before. */
  category?: string;
  fromCategory?: string;
  /** A policy's reminder: the fraction of the target used when it was due. */
  threshold?: number;
  /** The mail goes to the admins of the ticket's organization (a reminder's `organization` audience). */
  forOrganization?: boolean;
  /** Resolution mails: where the customer rates the resolution (desk/ratings.ts). */
  ratingUrl?: string;
}

/**
 * A due time in the ticket's zone, then in UTC for readers elsewhere; once when the ticket's zone is UTC itself
 * ("Mon 2026-12-07 16:23 UTC (2026-12-07 16:23 UTC)" says the same thing twice).
 */
const due = (f: TemplateFacts) =>
  !f.dueUtc || f.dueLocal?.endsWith(' UTC') ? (f.dueLocal ?? '') : `${f.dueLocal ?? ''} (${f.dueUtc})`;

/** The review's course, for the customer: until when, and what happens then. */
const reviewCourse = (f: TemplateFacts) =>
  `An agent reviews it until ${due(f)}. If they accept it, we handle it under your agreement and tell you when to expect a response; otherwise it closes then as outside your agreement's scope. You can reply meanwhile to add information.`;

/** What an agent decided that brought the ticket into scope. */
function scopeDecision(f: TemplateFacts): { title: string; sentence: string } {
  const category = categoryWords(f.category ?? '');
  if (f.fromCategory)
    return {
      title: `Your request was reclassified and we will handle it [#${f.ticketId}]`,
      sentence: `We reclassified ticket #${f.ticketId} "${f.subject}" from ${categoryWords(f.fromCategory)} to ${category}, which your agreement covers.`,
    };
  return {
    title: `We accepted your request [#${f.ticketId}]`,
    sentence: `We accepted ticket #${f.ticketId} "${f.subject}" although ${category} is outside your agreement's scope.`,
  };
}

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fileList = (files: TemplateFacts['files']) =>
  files?.length
    ? `Files with the reply (${files.length}):\n${files.map((f) => `- ${f.name} (${sizeText(f.size)}): ${f.url}`).join('\n')}`
    : '';

const metricName = (m?: string) => (m ?? '').replace('_', ' ');

function lines(kind: NotificationKind, f: TemplateFacts): { title: string; paragraphs: string[] } {
  switch (kind) {
    case 'acknowledgement':
      return {
        title: `We received your request [#${f.ticketId}]`,
        paragraphs: [
          `Thank you for contacting support. Your ticket number is #${f.ticketId}: "${f.subject}".`,
          f.supportHours ? `Support hours are ${f.supportHours}.` : '',
          `An agent will respond by ${due(f)}.`,
          f.targets ?? '',
          `Reply to this message to add information; error messages and screenshots help us resolve it sooner.`,
          f.portalUrl ? `Your tickets and our service level agreement: ${f.portalUrl}` : '',
        ],
      };
    case 'agent_reply':
      return {
        title: `New reply on ticket [#${f.ticketId}]`,
        paragraphs: [f.body ?? '', `Reply to this message to answer.`],
      };
    case 'awaiting_customer':
      return {
        title: `We need your answer on ticket [#${f.ticketId}]`,
        paragraphs: [f.body ?? '', `Reply to this message to answer; we continue as soon as we hear from you.`],
      };
    case 'warning':
      if (f.forOrganization) return organizationReminder(f, due(f));
      return {
        title: `SLA warning${f.forAssignee ? ' on your ticket' : ''}: ${metricName(f.metric)} due ${f.dueLocal} [#${f.ticketId}]`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" is close to its ${metricName(f.metric)} target${f.threshold !== undefined ? ` (${percent(f.threshold)} of its time is used)` : ''}.`,
          `Due ${due(f)}.`,
        ],
      };
    case 'breach':
      return {
        title: `SLA breached${f.forAssignee ? ' on your ticket' : ''}: ${metricName(f.metric)} [#${f.ticketId}]`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" missed its ${metricName(f.metric)} target.`,
          `It was due ${due(f)}.`,
        ],
      };
    case 'assigned':
      return {
        title: `Assigned to you: [#${f.ticketId}] ${f.subject}`,
        paragraphs: [`Ticket #${f.ticketId} "${f.subject}"${f.priority ? ` (${f.priority})` : ''} is now yours.`],
      };
    case 'customer_reply':
      return {
        title: `The customer replied: [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `${f.author ?? 'The customer'} wrote on your ticket #${f.ticketId} "${f.subject}":`,
          f.body ?? '',
          fileList(f.files),
        ],
      };
    case 'pause_expired':
      return {
        title: `Pause ended on ${f.forAssignee ? 'your ticket' : 'ticket'}: [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" was paused (${f.reason ?? 'pending'}) for as long as its agreement allows; the pause ended ${due(f)}.`,
          `Its clocks count again and it is open: pick it up, or set it pending again if it still waits.`,
        ],
      };
    case 'vendor_warning':
      return {
        title: `Third party close to its target: ${f.reason} on [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" waits on ${f.reason}, whose agreed time runs out ${due(f)}${f.threshold !== undefined ? ` (${percent(f.threshold)} of it is used)` : ''}.`,
        ],
      };
    case 'vendor_breach':
      return {
        title: `Third party missed its target: ${f.reason} on [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" still waits on ${f.reason}, whose agreed time ran out ${due(f)}.`,
          `We have chased them where they gave us contacts; follow up, or take the ticket back from the wait.`,
        ],
      };
    case 'vendor_chaser':
      return {
        title: `Awaiting your answer on our case [#${f.ticketId}]`,
        paragraphs: [
          `Our case #${f.ticketId} has been waiting on ${f.reason} beyond the agreed response time, which ran out ${due(f)}.`,
          `Please reply to this message with an update, quoting #${f.ticketId}.`,
        ],
      };
    case 'level_warning':
      return {
        title: `${f.level} close to its time to act: [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" is at ${f.level}, which has until ${due(f)} to act on it (reply, note, accept or resolve)${f.threshold !== undefined ? `; ${percent(f.threshold)} of that time is used` : ''}.`,
        ],
      };
    case 'level_breach':
      return {
        title: `${f.level} did not act in time: [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `${f.forAssignee ? 'Your ticket' : 'Ticket'} #${f.ticketId} "${f.subject}" has been at ${f.level} without a reply, note, acceptance or resolution; its time to act ran out ${due(f)}.`,
          `Take it up, or escalate it.`,
        ],
      };
    case 'escalation':
      return {
        title: `Escalated to ${f.level}: [#${f.ticketId}] ${f.subject}`,
        paragraphs: [
          `Ticket #${f.ticketId} "${f.subject}" has been escalated to ${f.level}.`,
          f.reason ?? `Its ${metricName(f.metric)} target (due ${due(f)}) was missed.`,
        ],
      };
    case 'resolution':
      return {
        title: `Your ticket has been resolved [#${f.ticketId}]`,
        paragraphs: [
          f.body ?? `We believe ticket #${f.ticketId} "${f.subject}" is resolved.`,
          `If it is not, reply to this message and the ticket reopens.`,
          f.ratingUrl
            ? `How did we do? Rate this resolution from 1 to 5, with a comment if you like (one question, and you can change your answer for 7 days): ${f.ratingUrl}`
            : '',
        ],
      };
    case 'auto_close':
      return {
        title: `Your ticket has been closed [#${f.ticketId}]`,
        paragraphs: [`Ticket #${f.ticketId} "${f.subject}" was closed after a quiet period following its resolution.`],
      };
    case 'out_of_scope':
      return {
        title: `Your request is under scope review [#${f.ticketId}]`,
        paragraphs: [
          f.fromCategory
            ? `We reclassified ticket #${f.ticketId} "${f.subject}" from ${categoryWords(f.fromCategory)} to ${categoryWords(f.category ?? '')}: ${f.reason}.`
            : `Ticket #${f.ticketId} "${f.subject}" falls outside the support service: ${f.reason}.`,
          f.scope ?? '',
          f.dueLocal ? reviewCourse(f) : '',
          f.supportHours ? `Support hours are ${f.supportHours}.` : '',
        ],
      };
    case 'scope_review_reminder':
      return f.forAssignee
        ? {
            title: `Scope review ends ${f.dueLocal}: [#${f.ticketId}] ${f.subject}`,
            paragraphs: [
              `Your ticket #${f.ticketId} "${f.subject}" (${categoryWords(f.category ?? '')}) is under scope review: ${f.reason}.`,
              `Unless it is accepted or reclassified by ${due(f)}, it closes automatically as out of scope.`,
            ],
          }
        : {
            title: `Your request closes at ${f.dueLocal} unless we accept it [#${f.ticketId}]`,
            paragraphs: [
              `Ticket #${f.ticketId} "${f.subject}" is still under review: ${f.reason}.`,
              f.scope ?? '',
              `Unless an agent accepts it by ${due(f)}, it closes then as outside your agreement's scope. If your agreement covers it, reply before then with the details that show it.`,
            ],
          };
    case 'live_confirmed':
      return {
        title: `Live support session booked: ${f.dueLocal} [#${f.ticketId}]`,
        paragraphs: [
          `An agent booked a live support session for ticket #${f.ticketId} "${f.subject}".`,
          `When: ${due(f)}.`,
          `Join with ${f.body}.`,
          `You will get a reminder an hour before and ten minutes before.`,
        ],
      };
    case 'live_reminder':
      return {
        title: `Reminder: live support session at ${f.dueLocal} [#${f.ticketId}]`,
        paragraphs: [
          `The live support session for ticket #${f.ticketId} "${f.subject}" starts at ${due(f)}.`,
          `Join with ${f.body}.`,
        ],
      };
    case 'scope_accepted': {
      const decision = scopeDecision(f);
      return {
        title: decision.title,
        paragraphs: [
          decision.sentence,
          f.dueLocal
            ? `${f.metric === 'resolution' ? 'A resolution' : 'A response'} is due by ${due(f)}.`
            : `We continue as soon as we hear from you.`,
          f.targets ?? '',
          f.supportHours ? `Support hours are ${f.supportHours}.` : '',
        ],
      };
    }
  }
}

export { escapeHtml };

export function renderMail(
  kind: NotificationKind,
  facts: TemplateFacts,
): { subject: string; text: string; html: string } {
  const { title, paragraphs } = lines(kind, facts);
  // A third party chased for an answer has no access to the desk: it answers by replying, so its mail links nowhere.
  const link = kind === 'vendor_chaser' ? [] : [`View the ticket: ${facts.ticketUrl}`];
  const all = [...paragraphs.filter(Boolean), ...link];
  const text = `${all.join('\n\n')}\n`;
  const html = `<!doctype html><html><body><h1>${escapeHtml(title)}</h1>${textToHtml(all)}</body></html>`;
  return { subject: title, text, html };
}

/** An announcement to every customer (activities/announcement-activities.ts): an update or a maintenance notice. */
export function renderAnnouncement(a: {
  kind: 'update' | 'maintenance';
  title: string;
  body: string;
  windowText?: string;
  deskUrl: string;
  announcementsUrl: string;
}) {
  const label = a.kind === 'maintenance' ? 'Maintenance' : 'Update';
  const title = `[${label}] ${a.title}`;
  const all = [
    ...a.body.split(/\n{2,}/),
    ...(a.windowText ? [`${a.kind === 'maintenance' ? 'Maintenance window' : 'When'}: ${a.windowText}.`] : []),
    `All announcements, in our customer portal: ${a.announcementsUrl}`,
    `You receive this notice as a customer of our support service. Support: ${a.deskUrl}`,
  ];
  const text = `${all.join('\n\n')}\n`;
  const html = `<!doctype html><html><body><h1>${escapeHtml(title)}</h1>${textToHtml(all)}</body></html>`;
  return { subject: title, text, html };
}
