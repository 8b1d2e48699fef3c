import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historiesDir } from '../support/histories';
import { workflowBundle } from '../support/stack';

/**
 * Histories recorded from real runs of every scenario (RECORD_HISTORIES=1 npm test). Replaying them
 * against today's workflow code fails on any change that would break tickets already running:
 * such changes must go behind `patched()`.
 */
const files = fs.readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded ticket histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('replays every one without non-determinism', async () => {
    const histories = files.map((f) => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8')));
      return { workflowId: f, history };
    });
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      results.push({ id: result.workflowId, error: result.error ? String(result.error) : null });
    }
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results).toHaveLength(files.length);
  });
});
