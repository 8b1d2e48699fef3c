import { randomBytes } from 'node:crypto';
import type { Store } from '../../store';

export interface TestAgent {
  id: string;
  email: string;
}

/**
 * An agent of the desk, written to the store as the users API would (the time-skipping stacks have no API): by
 * default with a fresh id and address, so files sharing the store never meet.
 */
export async function addAgent(
  store: Store,
  name: string,
  who: TestAgent = {
    id: `U${randomBytes(4).toString('hex')}`,
    email: `${name.split(' ')[0]!.toLowerCase()}-${randomBytes(3).toString('hex')}@support.local`,
  },
): Promise<TestAgent> {
  await store.users.create(
    {
      id: who.id,
      role: 'agent',
      name,
      email: who.email,
      agreement: { trainingIncluded: false },
      createdAt: new Date(),
    },
    `hash-${who.id}`,
  );
  return who;
}
