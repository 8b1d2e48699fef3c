import { csvCell } from './reports-csv';
import type { ClockRow } from './sla-simulation-report';

/** The what-if as CSV: one row per clock of each ticket, current and proposed (summed, they give the attainment). */
export const SIMULATION_COLUMNS = [
  'ticket_id',
  'organization_id',
  'priority',
  'clock',
  'cycle',
  'current_outcome',
  'current_due_at',
  'proposed_outcome',
  'proposed_due_at',
  'changed',
] as const;

const COUNTED = ['met', 'breached'];

export function simulationCsv(rows: ClockRow[]): string {
  const lines = rows.map((r) => {
    const changed =
      !!r.proposed &&
      r.current.result !== r.proposed.result &&
      (COUNTED.includes(r.current.result) || COUNTED.includes(r.proposed.result));
    return [
      r.id,
      r.organization,
      r.priority,
      r.clock,
      r.cycle,
      r.current.result,
      r.current.dueAt,
      r.proposed?.result ?? null,
      r.proposed?.dueAt ?? null,
      changed ? 'yes' : 'no',
    ]
      .map(csvCell)
      .join(',');
  });
  return `${[SIMULATION_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}
