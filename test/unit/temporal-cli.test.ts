import { describe, expect, it } from 'vitest';
import { temporalArgs } from '../../scripts/lib/temporal-cli';

/** `npm run temporal -- …` points the CLI's client commands at the desk's Temporal, and leaves the rest as typed. */
describe('npm run temporal', () => {
  const address = '127.0.0.1:7301';

  it("adds the desk's address and namespace to a command that calls the service", () => {
    expect(temporalArgs(['workflow', 'describe', '-w', 'ticket-1'], address, 'support')).toEqual([
      'workflow',
      'describe',
      '-w',
      'ticket-1',
      '--address',
      address,
      '--namespace',
      'support',
    ]);
  });

  it('keeps an address or namespace the reader gave, in either spelling', () => {
    expect(temporalArgs(['workflow', 'list', '--address=x:1', '-n', 'other'], address, 'default')).toEqual([
      'workflow',
      'list',
      '--address=x:1',
      '-n',
      'other',
    ]);
  });

  it('puts them before a bare `--` and adds nothing to commands without a server', () => {
    expect(temporalArgs(['operator', 'cluster', 'health', '--', 'x'], address, 'default')).toEqual([
      'operator',
      'cluster',
      'health',
      '--address',
      address,
      '--namespace',
      'default',
      '--',
      'x',
    ]);
    expect(temporalArgs(['--version'], address, 'default')).toEqual(['--version']);
    expect(temporalArgs(['server', 'start-dev'], address, 'default')).toEqual(['server', 'start-dev']);
  });
});
