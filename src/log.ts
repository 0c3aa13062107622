/**
 * Logs are JSON lines on stderr (stdout is reserved for `--json` documents). Tokens are redacted by
 * key wherever they appear; personal data is logged only at debug level by the callers.
 */
import pino, { Logger } from 'pino';

export type { Logger };

const REDACT = [
  'token', 'wstoken', '*.token', '*.wstoken', 'password', '*.password', 'bindPassword', '*.bindPassword',
  'authorization', '*.authorization', 'headers.authorization', 'signingSecret', '*.signingSecret',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'cohortbot' } }, destination);
}

/** A logger that drops everything, for library code used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
