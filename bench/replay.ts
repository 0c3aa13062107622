/**
 * The Moodle side alone: the requests a sync made (COHORTBOT_RECORD_REQUESTS), sent again with bare
 * keep-alive HTTP — no encoding, no parsing, no planning — to a fresh simulator with the same seed,
 * with the same overlaps: a request starts once every request that had finished before it started
 * has finished again, and no platform has more in flight than its concurrency.
 */
import http from 'node:http';
import type { RecordedRequest } from '../src/moodle/recorder';

export interface ReplayTarget {
  url: string;
  token: string;
  concurrency: number;
}

export async function replay(records: RecordedRequest[], targets: Map<string, ReplayTarget>): Promise<{ ms: number; requests: number; failures: number }> {
  const byStart = [...records].sort((a, b) => a.startMs - b.startMs);
  const byEnd = [...records].sort((a, b) => a.endMs - b.endMs);
  const endRank = new Map(byEnd.map((r, i) => [r.seq, i]));
  // For each request: how many requests (in end order) had finished when it started.
  const before = byStart.map((r) => upperBound(byEnd, r.startMs));
  const done = new Array<boolean>(byEnd.length).fill(false);
  let frontier = 0;
  const agents = new Map([...targets].map(([p, t]) => [p, new http.Agent({ keepAlive: true, maxSockets: t.concurrency })]));
  const inFlight = new Map([...targets.keys()].map((p) => [p, 0]));
  let failures = 0;
  let waiters: Array<() => void> = [];
  const changed = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const wait = () => new Promise<void>((r) => waiters.push(r));
  const started = process.hrtime.bigint();
  const all: Array<Promise<void>> = [];
  for (let i = 0; i < byStart.length; i++) {
    const r = byStart[i]!;
    const target = targets.get(r.platform);
    if (!target) throw new Error(`replay: no target for platform ${r.platform}`);
    while (frontier < before[i]! || inFlight.get(r.platform)! >= target.concurrency) await wait();
    inFlight.set(r.platform, inFlight.get(r.platform)! + 1);
    all.push(
      post(agents.get(r.platform)!, target.url, `wstoken=${encodeURIComponent(target.token)}&${r.body}`).then((reply) => {
        if (reply.status !== 200 || reply.body.includes('"exception"')) failures++;
        inFlight.set(r.platform, inFlight.get(r.platform)! - 1);
        done[endRank.get(r.seq)!] = true;
        while (frontier < done.length && done[frontier]) frontier++;
        changed();
      }),
    );
  }
  await Promise.all(all);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  for (const a of agents.values()) a.destroy();
  return { ms: Math.round(ms), requests: records.length, failures };
}

function upperBound(sorted: RecordedRequest[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.endMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function post(agent: http.Agent, base: string, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(`${base.replace(/\/+$/, '')}/webservice/rest/server.php`);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
