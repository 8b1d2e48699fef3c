/**
 * A customer's agreement, as far as a ticket needs it: which limitations of the SLA are lifted (scope) and who
 * hears about each escalation level. Organizations carry one each; customers without one get the default.
 */

/** The SLA's limitations an agreement can include: true means the customer is supported for it. */
export interface AgreementScope {
  training: boolean;
  customDevelopment: boolean;
  thirdParty: boolean;
}

export const SCOPE_NAMES = ['training', 'customDevelopment', 'thirdParty'] as const;

/** The category each scope item lifts the limitation for. */
const CATEGORY_SCOPE: Record<string, keyof AgreementScope> = {
  training: 'training',
  'custom-development': 'customDevelopment',
  'third-party': 'thirdParty',
};

export const scopeItemFor = (category: string): keyof AgreementScope | undefined => CATEGORY_SCOPE[category];

/** The scope of a customer without an organization: their own `trainingIncluded`, nothing else. */
export const customerScope = (trainingIncluded: boolean): AgreementScope => ({
  training: trainingIncluded,
  customDevelopment: false,
  thirdParty: false,
});

/** Escalation addresses per level (`L1`, `L2`, `management`, …); a level not named goes to the desk's own contacts. */
export type LevelContacts = Record<string, string[]>;

/** What a ticket was opened (or re-timed) under, by name and version; the calendar and policy bodies travel beside it. */
export interface TicketTerms {
  /** An organization's id, or `default`. */
  agreement: string;
  /** The agreement's version; for `default`, the default policy's. */
  version: number;
  calendar: { id: string; version: number };
  scope: AgreementScope;
  contacts?: LevelContacts;
}

/** `<agreement>@<version>`, what a ticket records as its `slaVersion`. */
export const slaVersionOf = (t: Pick<TicketTerms, 'agreement' | 'version'>) => `${t.agreement}@${t.version}`;

/** What a re-timing moves a ticket to; without a scope the ticket keeps its own (the default agreement's customers differ). */
export type RetimeTerms = Omit<TicketTerms, 'scope'> & { scope?: AgreementScope };

/** A calendar or policy by name and version (sla_versions `<kind>:<id>:<version>`). */
export interface VersionRef {
  id: string;
  version: number;
}

/** The calendar and policy versions a ticket runs under, as lists read them (its content's `pinned`). */
export interface PinnedVersions {
  calendar: VersionRef;
  policy: VersionRef;
}

/** `acme-hours@3` → {id: 'acme-hours', version: 3}; null for anything else. */
export function parseVersionRef(value: unknown): VersionRef | null {
  const m = typeof value === 'string' ? /^(.+)@(\d+)$/.exec(value) : null;
  return m ? { id: m[1]!, version: Number(m[2]) } : null;
}

/**
 * The versions a `retimed` event's detail moved the ticket to (domain/ticket-sla/actions.ts `retime`); null for a
 * re-timing that named no calendar (recorded before agreements).
 */
export function versionsAfterRetime(detail: Record<string, unknown>): PinnedVersions | null {
  const calendar = parseVersionRef(detail.toCalendar);
  const { toPolicy, toPolicyVersion } = detail;
  if (!calendar || typeof toPolicy !== 'string' || typeof toPolicyVersion !== 'number') return null;
  return { calendar, policy: { id: toPolicy, version: toPolicyVersion } };
}

/** Each scope item as customers read it (the SLA's own words). */
export const SCOPE_ITEM_WORDS: Record<keyof AgreementScope, string> = {
  training: 'training on product usage',
  customDevelopment: 'custom development or modifications',
  thirdParty: 'third-party products or services',
};

/**
 * "a, b and c" / "a, b or c". The items have "or" inside them ("custom development or modifications"), so a list of
 * several keeps a comma before its last conjunction, or "x or y or z" would not say where one item ends.
 */
const listed = (items: string[], conjunction: 'and' | 'or') =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')}${items.some((i) => / or /.test(i)) ? ',' : ''} ${conjunction} ${items.at(-1)!}`;
const joined = (items: string[]) => listed(items, 'and');

/**
 * What an agreement's scope lifts and keeps, in one sentence, e.g. "Your agreement covers third-party products or
 * services; it does not cover training on product usage, or custom development or modifications."
 */
export function describeScope(scope: AgreementScope): string {
  const covered = SCOPE_NAMES.filter((n) => scope[n]).map((n) => SCOPE_ITEM_WORDS[n]);
  const excluded = SCOPE_NAMES.filter((n) => !scope[n]).map((n) => SCOPE_ITEM_WORDS[n]);
  if (!excluded.length) return `Your agreement covers ${joined(covered)}.`;
  const not = listed(excluded, 'or');
  return covered.length
    ? `Your agreement covers ${joined(covered)}; it does not cover ${not}.`
    : `Your agreement does not cover ${not}.`;
}

/** A category as a sentence names it: `custom-development` → "custom development". */
export const categoryWords = (category: string) => category.replace(/[-_]/g, ' ');
