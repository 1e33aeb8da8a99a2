/** A mistake in how a command was called (bad argument, missing file): exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2 as const;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
