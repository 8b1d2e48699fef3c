import { invalidInput } from '../domain/errors';
import type { Store } from '../store';
import type { User } from '../domain/entities';
import type { Principal } from './principal';

/** A person tickets can be assigned to: a stored agent or admin account. */
export type Agent = Pick<User, 'id' | 'name' | 'email' | 'role'>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The agents who exist, for assignment, the console's picker and the assignee filter. */
export function createAgentDirectory(deps: { store: Store }) {
  const { store } = deps;
  const asAgent = (u: User | null): Agent | null =>
    u && (u.role === 'agent' || u.role === 'admin') ? { id: u.id, name: u.name, email: u.email, role: u.role } : null;

  return {
    async list(): Promise<Agent[]> {
      return (await store.users.staff()).map((u) => asAgent(u)!);
    },

    /** An agent named by user id or email; anyone else (a customer, a stranger, a bare name) is refused. */
    async resolve(ref: string | undefined): Promise<Agent> {
      const raw = ref?.trim();
      if (!raw) throw invalidInput('name the agent to assign by user id or email', 'agent');
      const agent = asAgent(EMAIL.test(raw) ? await store.users.byEmail(raw) : await store.users.byId(raw));
      if (!agent) throw invalidInput(`${raw} is not an agent of this desk; give an agent's user id or email`, 'agent');
      return agent;
    },

    /**
     * The assignee ids an `assignee` filter means: `me` is the caller; an id or email is that agent; any
     * other text matches agents whose name contains it (a first name finds its agent). Assignees stored
     * before assignment took ids were display names, so the raw text is kept as a value too.
     */
    async assigneeIds(caller: Principal, raw: string): Promise<string[]> {
      const text = raw.trim();
      if (text.toLowerCase() === 'me') return [caller.id];
      const byRef = asAgent(EMAIL.test(text) ? await store.users.byEmail(text) : await store.users.byId(text));
      if (byRef) return [byRef.id];
      const needle = text.toLowerCase();
      const named = (await store.users.staff()).filter((u) => u.name.toLowerCase().includes(needle)).map((u) => u.id);
      return [...named, text];
    },

    /** Display names for assignee values (ids), falling back to the value itself (older display names). */
    async names(values: (string | null | undefined)[]): Promise<Map<string, string>> {
      const wanted = new Set(values.filter((v): v is string => Boolean(v)));
      const out = new Map<string, string>();
      if (!wanted.size) return out;
      for (const u of await store.users.staff()) if (wanted.has(u.id)) out.set(u.id, u.name);
      return out;
    },
  };
}

export type AgentDirectory = ReturnType<typeof createAgentDirectory>;
