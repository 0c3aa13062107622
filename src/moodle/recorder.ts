/**
 * COHORTBOT_RECORD_REQUESTS=<file>: every HTTP request a Moodle client sends, as one JSON line with
 * its start and end (ms since the recorder opened), platform and body — without the token, which the
 * replayer puts back. For the benchmark's "limit": the same requests replayed bare, with the same
 * overlaps, show what the Moodle side alone costs. The file is created private (0600).
 */
import fs from 'node:fs';

export interface RecordedRequest {
  seq: number;
  platform: string;
  fn: string;
  startMs: number;
  endMs: number;
  /** The form body with wstoken removed (the control fields follow it). */
  body: string;
}

export class RequestRecorder {
  private readonly fd: number;
  private readonly origin = process.hrtime.bigint();
  private seq = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'a', 0o600);
  }

  now(): number {
    return Number(process.hrtime.bigint() - this.origin) / 1e6;
  }

  record(platform: string, fn: string, startMs: number, body: string): void {
    const r: RecordedRequest = { seq: this.seq++, platform, fn, startMs, endMs: this.now(), body: withoutToken(body) };
    fs.writeSync(this.fd, `${JSON.stringify(r)}\n`);
  }
}

/** The body without its wstoken field (it always comes first, see encodeBody). */
export function withoutToken(body: string): string {
  return body.replace(/^wstoken=[^&]*&?/, '');
}

export function readRecording(file: string): RecordedRequest[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RecordedRequest);
}
