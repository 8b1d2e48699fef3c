import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/**
 * ADMIN_API_KEY when set. In development a key is generated once and kept under DATA_DIR so
 * restarts keep it; production must set one explicitly.
 */
export function resolveAdminKey(config: Config): { key: string; source: 'env' | 'file' | 'generated' } {
  if (config.adminApiKey) return { key: config.adminApiKey, source: 'env' };
  if (config.env === 'production') throw new Error('ADMIN_API_KEY must be set in production');
  const file = path.join(config.dataDir, 'admin-key');
  if (fs.existsSync(file)) return { key: fs.readFileSync(file, 'utf8').trim(), source: 'file' };
  const key = `adm_${randomBytes(24).toString('base64url')}`;
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, source: 'generated' };
}
