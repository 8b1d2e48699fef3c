/**
 * The shell blocks of a Markdown file, each with the reason it is not run when the line right above its fence says
 * `<!-- not run by test/e2e/readme.test.ts: <reason> -->`, and its commands (continuation lines joined).
 */

export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  commands: string[];
  notRun?: string;
}

const FENCE = /^\s*```(\w*)\s*$/;
export const NOT_RUN = /^\s*<!-- not run by test\/e2e\/readme\.test\.ts: (.*\S.*) -->$/;

export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) throw new Error(`line ${i + 1}: a fence that is never closed`);
    if (['sh', 'bash', 'shell'].includes(open[1]!)) {
      const notRun = NOT_RUN.exec(lines[i - 1] ?? '')?.[1];
      const indent = /^\s*/.exec(lines[i]!)![0].length;
      const body = lines.slice(i + 1, end).map((l) => l.slice(indent));
      blocks.push({ line: i + 1, commands: commandsOf(body), ...(notRun ? { notRun } : {}) });
    }
    i = end;
  }
  return blocks;
}

/** Logical commands: a line ending in `\` continues on the next; blank and comment lines are no commands. */
function commandsOf(lines: string[]): string[] {
  const commands: string[] = [];
  let current = '';
  for (const line of lines) {
    current += current ? `\n${line}` : line;
    if (line.endsWith('\\')) continue;
    if (current.trim() && !current.trim().startsWith('#')) commands.push(current);
    current = '';
  }
  if (current.trim()) commands.push(current);
  return commands;
}
