import { spawn } from 'node:child_process';
import fs from 'node:fs';
// tools.ts imports this file too; MissingToolError is only used at call time, so the cycle is harmless.
import { MissingToolError } from './tool-runner';

/**
 * Debian's `chromium` for the browser tests (driven by playwright-core, which downloads no browser).
 * Installed with apt when we are root; otherwise we say exactly what to install.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

type Log = (line: string) => void;

function apt(args: string[], log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    // Wait for another apt/dpkg run (another engineer, unattended upgrades) instead of failing on its lock.
    const child = spawn('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(`chromium: ${line.trim()}`);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`apt-get ${args.join(' ')} exited with ${code}`)),
    );
  });
}

export async function ensureChromium(log: Log): Promise<string> {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const remedy = "install Debian's chromium as root: apt-get install -y --no-install-recommends chromium";
  if (process.getuid?.() !== 0) throw new MissingToolError('chromium', remedy);
  log("chromium: installing Debian's chromium with apt-get (first time only, a minute or two)");
  try {
    await apt(['update'], log);
    await apt(['install', '-y', '--no-install-recommends', 'chromium'], log);
  } catch (err) {
    throw new MissingToolError('chromium', `${(err as Error).message}; ${remedy}`);
  }
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new MissingToolError('chromium', `apt-get finished but ${CHROMIUM_PATH} is missing; ${remedy}`);
  log(`chromium: installed ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}
