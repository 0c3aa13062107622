/** What every CLI command shares: errors that end the program with a message and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function numberOption(name: string, raw: string, min: number, max: number, integer = true): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new CliError(`${name} ${JSON.stringify(raw)}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** Prints one JSON document on stdout (logs go to stderr). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
