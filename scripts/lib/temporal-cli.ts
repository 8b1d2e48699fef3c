/** The Temporal CLI's arguments as `npm run temporal` passes them (scripts/temporal.ts). */

/** The CLI's commands that call the Temporal service; others (`server`, `help`, `--version`) take no address. */
const CLIENT_COMMANDS = new Set(['workflow', 'activity', 'batch', 'operator', 'schedule', 'task-queue', 'worker']);

export function temporalArgs(args: string[], address: string, namespace: string): string[] {
  if (!CLIENT_COMMANDS.has(args[0] ?? '')) return args;
  const has = (...flags: string[]) => args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  const extra = [
    ...(has('--address') ? [] : ['--address', address]),
    ...(has('--namespace', '-n') ? [] : ['--namespace', namespace]),
  ];
  // Before a bare `--`, after which the CLI reads no more flags.
  const end = args.indexOf('--');
  return end < 0 ? [...args, ...extra] : [...args.slice(0, end), ...extra, ...args.slice(end)];
}
