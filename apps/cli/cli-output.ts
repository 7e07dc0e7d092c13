import { type LoggerService } from '@nestjs/common';
import { SingleBar } from 'cli-progress';

interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Counts work done: a bar on a terminal, nothing otherwise (the command prints lines itself). */
export interface Progress {
  tick(label: string): void;
  stop(): void;
}

/**
 * Where a command's words go, and the exit code it leaves. Commands never touch `process`
 * directly, so the tests run them in-process and read what a maintainer would have seen.
 */
export class CliOutput {
  exitCode = 0;

  constructor(
    private readonly stdout: Sink,
    private readonly stderr: Sink,
  ) {}

  static console(): CliOutput {
    return new CliOutput(process.stdout, process.stderr);
  }

  /** True when a person is watching: progress bars and colour make sense. */
  get interactive(): boolean {
    return this.stderr.isTTY === true;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  json(document: unknown): void {
    this.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  write(text: string): void {
    this.stdout.write(text);
  }

  writeError(text: string): void {
    this.stderr.write(text);
  }

  /** The command found a problem: the process ends with this code (the highest wins). */
  fail(code = 1): void {
    this.exitCode = Math.max(this.exitCode, code);
  }

  /** A progress bar on stderr when interactive; `null` tells the caller to print plain lines. */
  progress(total: number, what: string): Progress | null {
    if (!this.interactive || total === 0) return null;
    const bar = new SingleBar({
      stream: this.stderr as NodeJS.WritableStream,
      format: `${what} [{bar}] {value}/{total} | {eta_formatted} left | {label}`,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0, { label: '' });
    return {
      tick: (label) => bar.increment(1, { label }),
      stop: () => bar.stop(),
    };
  }
}

/** Nest's warnings and errors, on stderr; its routine start-up chatter is dropped. */
export class StderrLogger implements LoggerService {
  constructor(private readonly output: CliOutput) {}

  log(): void {}

  error(message: unknown): void {
    this.output.error(`error: ${String(message)}`);
  }

  warn(message: unknown): void {
    this.output.error(`warning: ${String(message)}`);
  }
}
