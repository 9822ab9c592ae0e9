// How a benchmark module reports: progress lines on stderr, its figures as tables on stdout, and
// its result object to bench/run.mjs over the IPC channel (when run.mjs started it).

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Columns aligned right (numbers); the others are aligned left. */
  numeric?: boolean[];
}

/**
 * A budgeted figure for the closing table of `npm run bench`: the figure beside its anchor (measured
 * in the same benchmark run) and its budget.
 */
export interface KeyFigure {
  /** What is measured, e.g. "2. Ready to call (gzip)". */
  name: string;
  value: string;
  /** What it is compared with, from the same run ("—" when the budget is absolute). */
  anchor: string;
  /** The budget and whether it is met, e.g. "≤ ×1.30 (75.4 KiB): over by 1 234 B". */
  budget: string;
  met: boolean | null;
}

export interface BenchmarkOutput<R> {
  /** Key under `benchmarks` in results.json. */
  id: string;
  title: string;
  /** One or two lines for the summary table of `npm run bench`. */
  headline: string;
  tables: Table[];
  notes: string[];
  /** Budgeted figures with their anchors, for the closing table of `npm run bench`. */
  figures?: KeyFigure[];
  /** The figures, as stored in results.json. */
  result: R;
}

/** Messages a benchmark child sends to bench/run.mjs. */
export type ChildMessage =
  | { type: 'pid'; pid: number; what: string }
  | { type: 'exited'; pid: number }
  | { type: 'result'; output: BenchmarkOutput<unknown> };

function send(message: ChildMessage): void {
  if (process.send && process.connected) process.send(message);
}

export function progress(line: string): void {
  console.error(`[bench] ${line}`);
}

/** Tell run.mjs about a helper process, so it can stop it if this benchmark dies. */
export function announcePid(pid: number, what: string): void {
  send({ type: 'pid', pid, what });
}

export function announceExited(pid: number): void {
  send({ type: 'exited', pid });
}

export function formatTable(table: Table): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const cell = (text: string, i: number) =>
    table.numeric?.[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: string[]) => cells.map(cell).join('  ').trimEnd();
  return [
    table.title,
    line(table.columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.rows.map(line),
  ].join('\n');
}

/** Print the figures and hand the result to run.mjs (or print it as JSON when run alone). */
export async function emit<R>(raw: BenchmarkOutput<R>): Promise<void> {
  // results.json keeps a stable shape: a figure that could not be measured is null, not absent.
  const output = JSON.parse(
    JSON.stringify(raw, (_key, value: unknown) => (value === undefined ? null : value)),
  ) as BenchmarkOutput<R>;
  const text = [
    `\n== ${output.title} ==`,
    ...output.tables.map((t) => `\n${formatTable(t)}`),
    '',
    ...output.notes,
    '',
    output.headline,
  ].join('\n');
  console.log(text);
  if (process.send && process.connected) {
    await new Promise<void>((resolve) =>
      process.send!({ type: 'result', output } satisfies ChildMessage, undefined, {}, () =>
        resolve(),
      ),
    );
  } else {
    console.log(`\n${JSON.stringify(output.result, null, 2)}`);
  }
}
