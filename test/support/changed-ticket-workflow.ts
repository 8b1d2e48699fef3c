import { sleep } from '@temporalio/workflow';

/** A build whose ticket workflow changed without a patch: its first command is a timer (test/integration/replay-open.test.ts). */
export async function ticketWorkflow(): Promise<void> {
  await sleep('1 day');
}
