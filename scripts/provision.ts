import { MissingToolError, provision, toolsDir } from './lib/tools';

/** `npm run provision`: builds or finds every server the product and its tests need. */
const quiet = process.argv.includes('--quiet-if-ready');
const lines: string[] = [];
const log = (line: string) => {
  if (quiet) lines.push(line);
  console.log(`[provision] ${line}`);
};

try {
  // npm test needs the cluster mode's servers too: its fault tests run last (vitest.config.ts).
  const tools = await provision({ log, need: { cluster: true } });
  if (!quiet) {
    console.log(`[provision] tools cache: ${toolsDir()}`);
    console.log(`[provision] temporal: ${tools.temporal}`);
    console.log(`[provision] mongo (${tools.mongo?.kind}): ${tools.mongo?.path}`);
    console.log(`[provision] time-skipping test server: ${tools.testServer}`);
    console.log(
      `[provision] cluster mode: temporal server ${tools.cluster?.temporalServer}, ui ${tools.cluster?.ui}, postgresql ${tools.cluster?.pgBin}`,
    );
  }
} catch (err) {
  if (err instanceof MissingToolError) {
    console.error(`[provision] ${err.message}`);
    process.exit(2);
  }
  throw err;
}
