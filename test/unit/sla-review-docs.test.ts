import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIMULATION_COLUMNS } from '../../desk/sla-simulation-csv';
import { REVIEW_COLUMNS } from '../../desk/review-csv';

/** The README names the what-if's and the review's CSV columns as the files have them, in their order. */

const readme = fs.readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

describe("the README's what-if and review CSV columns", () => {
  it('lists the what-if columns as one list', () => {
    expect(readme).toContain(`\`${SIMULATION_COLUMNS.join(', ')}\``);
  });

  it('lists the review columns in their order', () => {
    const bullet = readme.slice(readme.indexOf('`/console/review.csv`'), readme.indexOf('- **What-if**'));
    const at = REVIEW_COLUMNS.map((c) => bullet.indexOf(`\`${c}\``));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
