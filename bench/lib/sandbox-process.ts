// The sandbox SIP server as a child process (`node --import tsx sandbox/cli.ts --json`), so that
// its CPU time can be read from /proc apart from the load generator's.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { announceExited, announcePid } from './report.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const STDERR_TAIL_LINES = 40;

export interface SandboxReady {
  wsUrl: string;
  httpUrl: string;
  port: number;
  domain: string;
  users: Array<{ user: string; password: string }>;
}

export class SandboxProcess {
  private readonly tail: string[] = [];
  private exitInfo: string | undefined;
  private readonly exited: Promise<void>;
  private readyLine: SandboxReady | undefined;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      this.exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (child.pid !== undefined) announceExited(child.pid);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        this.tail.push(line);
        if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
      }
    });
  }

  /** Start the sandbox on a free loopback port and wait for its JSON ready line. */
  static async start(): Promise<SandboxProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'sandbox/cli.ts'), '--json', '--port', '0', '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (child.pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`could not start the sandbox: ${err.message}`);
    }
    announcePid(child.pid, 'sandbox');
    const sandbox = new SandboxProcess(child);
    try {
      sandbox.readyLine = await sandbox.waitReady();
    } catch (err) {
      await sandbox.stop();
      throw new Error(`${(err as Error).message}\n${sandbox.log}`);
    }
    return sandbox;
  }

  private waitReady(): Promise<SandboxReady> {
    const stdout = this.child.stdout!;
    stdout.setEncoding('utf8');
    return new Promise<SandboxReady>((resolve, reject) => {
      let buffered = '';
      const done = (err: Error | undefined, ready?: SandboxReady) => {
        clearTimeout(timer);
        stdout.off('data', onData);
        this.child.off('exit', onExit);
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        stdout.resume();
        if (err) reject(err);
        else resolve(ready!);
      };
      const onData = (chunk: string) => {
        buffered += chunk;
        const nl = buffered.indexOf('\n');
        if (nl < 0) return;
        try {
          const line = JSON.parse(buffered.slice(0, nl)) as SandboxReady & { event?: string };
          if (line.event !== 'ready') throw new Error('it is not the ready event');
          done(undefined, line);
        } catch (err) {
          done(new Error(`bad first line from the sandbox: ${(err as Error).message}`));
        }
      };
      const onExit = () => done(new Error(`the sandbox exited before it was ready`));
      const timer = setTimeout(
        () => done(new Error(`no ready line from the sandbox within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      stdout.on('data', onData);
      this.child.once('exit', onExit);
    });
  }

  get ready(): SandboxReady {
    if (!this.readyLine) throw new Error('the sandbox is not ready');
    return this.readyLine;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last lines the sandbox wrote on stderr (for error messages). */
  get log(): string {
    return this.tail.join('\n');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How it exited (`exit code 0`, `killed by SIGKILL`), once it has. */
  get exitReason(): string | undefined {
    return this.exitInfo;
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. Safe to call more than once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort for a process 'exit' handler. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
