/** Stand-ins for a terminal's stdin and stdout, for rendering the real app without a pty. */
import { EventEmitter } from 'node:events';

export class FakeTerminalOutput extends EventEmitter {
  readonly isTTY = true;
  readonly chunks: string[] = [];
  bytes = 0;

  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }

  write = (data: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.chunks.push(text);
    this.bytes += Buffer.byteLength(text);
    const callback = rest.find((value) => typeof value === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };

  get output(): string {
    return this.chunks.join('');
  }

  getColorDepth(): number {
    return 8;
  }

  hasColors(): boolean {
    return true;
  }
}

export class FakeTerminalInput extends EventEmitter {
  readonly isTTY = true;
  isRaw = false;
  private pending: string[] = [];

  type(text: string): void {
    this.pending.push(text);
    this.emit('readable');
  }

  read = (): string | null => this.pending.shift() ?? null;
  setRawMode = (mode: boolean): this => {
    this.isRaw = mode;
    return this;
  };
  setEncoding = (): this => this;
  resume = (): this => this;
  pause = (): this => this;
  ref = (): this => this;
  unref = (): this => this;
}

export function asStreams(output: FakeTerminalOutput, input: FakeTerminalInput): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream } {
  return {
    stdout: output as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    stderr: new FakeTerminalOutput() as unknown as NodeJS.WriteStream,
  };
}
