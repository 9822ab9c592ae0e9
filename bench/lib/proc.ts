// CPU and UDP figures read from /proc (Linux): a process tree's CPU time, the whole machine's busy
// time, and the receive-buffer drops of the UDP sockets a process owns. Elsewhere every reader
// returns undefined and the benchmarks print "n/a" instead of a figure.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';

function clockTicks(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
}

/** Clock ticks per second of /proc/<pid>/stat's time fields. */
export const CLK_TCK = process.platform === 'linux' ? clockTicks() : 100;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/stat: the command name, and the fields after it (field 3, `state`, is index 0). */
function stat(pid: number): { command: string; fields: string[] } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return {
    command: text.slice(open + 1, close),
    fields: text
      .slice(close + 2)
      .trim()
      .split(' '),
  };
}

interface ProcEntry {
  command: string;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
}

/** Every process's name, parent and CPU ticks, from one pass over /proc/<pid>/stat. */
function processTable(): Map<number, ProcEntry> | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  const table = new Map<number, ProcEntry>();
  for (const e of entries) {
    const st = stat(Number(e));
    if (!st) continue;
    const f = st.fields;
    // ppid is field 4; utime, stime, cutime, cstime are fields 14-17 (indexes 11-14 here).
    table.set(Number(e), {
      command: st.command,
      ppid: Number(f[1]),
      ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
    });
  }
  return table;
}

/** `pid` and its live descendants. */
function tree(table: Map<number, ProcEntry>, pid: number): Set<number> {
  const children = new Map<number, number[]>();
  for (const [p, e] of table) children.set(e.ppid, [...(children.get(e.ppid) ?? []), p]);
  const seen = new Set<number>();
  const queue = table.has(pid) ? [pid] : [];
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    queue.push(...(children.get(p) ?? []));
  }
  return seen;
}

export interface CpuTimes {
  /** CPU seconds of each requested process tree (undefined: no such process). */
  trees: Map<number, number | undefined>;
  /**
   * CPU seconds of every process on the machine, reaped children included (so processes that
   * start and end between two samples count too).
   */
  all: number | undefined;
  /** CPU seconds of each process outside the tree of `outside` (with its reaped children's). */
  others: Map<number, { command: string; ppid: number; seconds: number }>;
}

/**
 * CPU seconds used so far by the process trees rooted at `pids` (each with its live descendants
 * and the children they reaped: cutime, cstime), by all processes together, and by each process
 * outside the tree rooted at `outside`.
 */
export function cpuTimes(pids: number[], outside = process.pid): CpuTimes {
  const table = processTable();
  const trees = new Map<number, number | undefined>();
  const others = new Map<number, { command: string; ppid: number; seconds: number }>();
  if (!table) {
    for (const pid of pids) trees.set(pid, undefined);
    return { trees, all: undefined, others };
  }
  for (const pid of pids) {
    const members = tree(table, pid);
    let ticks = 0;
    for (const p of members) ticks += table.get(p)!.ticks;
    trees.set(pid, members.size > 0 ? ticks / CLK_TCK : undefined);
  }
  const ours = tree(table, outside);
  let all = 0;
  for (const [pid, e] of table) {
    all += e.ticks;
    if (!ours.has(pid)) {
      others.set(pid, { command: e.command, ppid: e.ppid, seconds: e.ticks / CLK_TCK });
    }
  }
  return { trees, all: all / CLK_TCK, others };
}

/**
 * The processes outside our tree that used the most CPU between two samples, as
 * `command (NN %)` (% of one core), to name what else ran. A process that ended in between is
 * counted in its parent (the cutime of whoever reaped it, less what it had used before `a`).
 */
export function busiestOthers(a: CpuTimes, b: CpuTimes, wallS: number, count = 3): string[] {
  if (wallS <= 0) return [];
  const seconds = new Map<number, number>();
  for (const [pid, e] of b.others) seconds.set(pid, e.seconds - (a.others.get(pid)?.seconds ?? 0));
  for (const [pid, e] of a.others) {
    if (b.others.has(pid)) continue;
    // Reaped by its parent, or by the nearest ancestor still there (whose cutime took the
    // parent's, which had taken this one's), or else by init.
    let reaper: number | undefined = e.ppid;
    for (let hops = 0; reaper !== undefined && !b.others.has(reaper) && hops < 64; hops++) {
      reaper = a.others.get(reaper)?.ppid;
    }
    const at = reaper !== undefined && b.others.has(reaper) ? reaper : 1;
    const s = seconds.get(at);
    if (s !== undefined) seconds.set(at, s - e.seconds);
  }
  const used: Array<{ command: string; pct: number }> = [];
  for (const [pid, s] of seconds) {
    // init reaps orphans whole lives at once: its cutime names nothing useful.
    if (pid === 1) continue;
    const pct = (s / wallS) * 100;
    if (pct >= 1) used.push({ command: b.others.get(pid)!.command, pct });
  }
  return used
    .sort((x, y) => y.pct - x.pct)
    .slice(0, count)
    .map((u) => `${u.command} (${Math.round(u.pct)} %)`);
}

/** Busy and total CPU seconds of the whole machine, summed over all cores (/proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  const line = readText('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already inside user / nice).
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/** Socket inodes held open by `pid` (its file descriptors that are sockets). */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  return out;
}

/**
 * Datagrams the kernel dropped (receive buffer full) on the UDP sockets `pid` holds, from the
 * `drops` column of /proc/net/udp and udp6 (the caller's network namespace). Undefined when
 * /proc/net/udp cannot be read.
 */
export function udpDrops(pid: number): { sockets: number; drops: number } | undefined {
  const inodes = socketInodes(pid);
  let sockets = 0;
  let drops = 0;
  let readAny = false;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = readText(file);
    if (text === undefined) continue;
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      if (cols.length < 13 || !inodes.has(cols[9]!)) continue;
      sockets++;
      drops += Number(cols[12]);
    }
  }
  return readAny ? { sockets, drops } : undefined;
}

/** The machine as results.json describes it. */
export function machine(): { cpus: number; model: string; node: string } {
  const cpus = os.cpus();
  return {
    cpus: cpus.length || os.availableParallelism(),
    model: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
  };
}
