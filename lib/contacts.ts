import type { ContactBook } from '../activities/ticket-activities';

/** `L1=agents@x.io;L2=lead@x.io,cto@x.io` → { L1: [...], L2: [...] } */
export function parseContacts(spec: string, mailDomain: string): ContactBook {
  const levels: Record<string, string[]> = {};
  for (const part of spec.split(';')) {
    const [level, emails] = part.split('=');
    if (!level?.trim() || !emails?.trim()) throw new Error(`ESCALATION_CONTACTS: "${part}" is not LEVEL=email[,email]`);
    levels[level.trim()] = emails
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
  }
  return { levels, mailDomain };
}
