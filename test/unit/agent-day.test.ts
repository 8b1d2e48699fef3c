import { describe, expect, it } from 'vitest';
import { searchTokens } from '../../domain/search';
import {
  ACTION_ALLOWED_FROM,
  AGENT_ACTIONS,
  availableActions,
  refusal,
  TICKET_STATUSES,
  type TicketFacts,
} from '../../domain/ticket';

const ladder = ['L1', 'L2', 'management'];
const facts = (over: Partial<TicketFacts>): TicketFacts => ({
  status: 'open',
  awaitingScopeReview: false,
  escalationLevel: 'L1',
  escalationLadder: ladder,
  priority: 'normal',
  ...over,
});

describe('availableActions (domain/ticket.ts)', () => {
  it('offers on an open ticket what may be done to it, and neither reopen nor accept', () => {
    expect(availableActions(facts({}))).toEqual([
      'assign',
      'reply',
      'priority',
      'pending',
      'escalate',
      'resolve',
      'close',
      'reclassify',
    ]);
  });

  it('offers reopen only once resolved, and nothing on a finished ticket', () => {
    expect(availableActions(facts({ status: 'resolved' }))).toEqual([
      'assign',
      'reply',
      'reopen',
      'close',
      'reclassify',
    ]);
    expect(availableActions(facts({ status: 'closed' }))).toEqual([]);
    expect(availableActions(facts({ status: 'out_of_scope' }))).toEqual([]);
  });

  it('offers the decision (accept, close, reclassify), reply and assign during a scope review, and no escalation at the top', () => {
    expect(availableActions(facts({ status: 'acknowledged', awaitingScopeReview: true }))).toEqual([
      'assign',
      'reply',
      'close',
      'accept',
      'reclassify',
    ]);
    // A reply during the review opens the ticket; it can still be accepted.
    expect(availableActions(facts({ status: 'open', awaitingScopeReview: true }))).toContain('accept');
    expect(refusal('reclassify', facts({ category: 'bug' }), { category: 'bug' })).toBe('the category is already bug');
    expect(availableActions(facts({ escalationLevel: 'management' }))).not.toContain('escalate');
  });

  it('agrees with refusal for every status and scope state', () => {
    for (const status of TICKET_STATUSES) {
      for (const awaitingScopeReview of [false, true]) {
        const f = facts({ status, awaitingScopeReview });
        for (const a of AGENT_ACTIONS)
          expect(availableActions(f).includes(a), `${a} from ${status}`).toBe(refusal(a, f) === null);
        for (const a of availableActions(f)) expect(ACTION_ALLOWED_FROM[a]).toContain(status);
      }
    }
  });
});

describe('searchTokens (domain/search.ts)', () => {
  it('lowercases, folds accents, splits on punctuation, drops one-letter words and keeps each word once', () => {
    expect(searchTokens('Zürich: TLS-handshake fails; a TLS retry, élan 42')).toEqual([
      'zurich',
      'tls',
      'handshake',
      'fails',
      'retry',
      'elan',
      '42',
    ]);
  });

  it('keeps at most `max` words and none longer than 32 characters', () => {
    expect(searchTokens(`one two three ${'x'.repeat(33)}`, 2)).toEqual(['one', 'two']);
    expect(searchTokens('x'.repeat(33))).toEqual([]);
  });
});
