import { describe, expect, it } from 'vitest';
import { knownUsers, type User } from '../../store/users';

const user = (id: string): User => ({
  id,
  role: 'customer',
  name: id,
  email: `${id}@example.com`,
  agreement: { trainingIncluded: false },
  createdAt: new Date(0),
});

describe('knownUsers (the user lookups the store remembers)', () => {
  it('answers a remembered user until its time is up, then forgets it', () => {
    let now = 1_000;
    const cache = knownUsers(60_000, 10, () => now);
    cache.set('a', user('A'));
    now += 59_999;
    expect(cache.get('a')?.id).toBe('A');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('never holds more than its bound, dropping the oldest first', () => {
    const cache = knownUsers(60_000, 2, () => 0);
    cache.set('a', user('A'));
    cache.set('b', user('B'));
    cache.set('c', user('C'));
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b')?.id, cache.get('c')?.id]).toEqual(['B', 'C']);
  });
});
