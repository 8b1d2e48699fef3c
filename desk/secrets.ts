import { createHash, randomBytes } from 'node:crypto';

/**
 * Secrets handed to people: session cookies, the portal's mailed sign-in tokens, private ticket links and API keys.
 * Only a secret's hash is stored, so a copy of the store opens nothing.
 */

/** 32 random bytes in base64url. */
export const newSecret = () => randomBytes(32).toString('base64url');
/** Shaped as newSecret mints them (and as an HMAC-SHA-256 reads in base64url): 43 base64url characters. */
export const isSecret = (s: string) => /^[A-Za-z0-9_-]{43}$/.test(s);
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');
