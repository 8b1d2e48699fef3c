import { randomBytes } from 'node:crypto';
import type { Role, User } from '../domain/entities';

/** Who is asking, as every channel establishes it (API key, console session, verified mail sender). */
export interface Principal {
  id: string;
  role: Role;
  email: string;
  name: string;
  trainingIncluded: boolean;
  /** A customer's organization, whose agreement their tickets are opened under. */
  organizationId?: string;
}

export function newApiKey(): string {
  return `sk_${randomBytes(24).toString('base64url')}`;
}

export const principalOf = (u: User): Principal => ({
  id: u.id,
  role: u.role,
  email: u.email,
  name: u.name,
  trainingIncluded: u.agreement.trainingIncluded,
  ...(u.organizationId ? { organizationId: u.organizationId } : {}),
});

export const isStaff = (u: Pick<User, 'role'> | null | undefined) => u?.role === 'agent' || u?.role === 'admin';
