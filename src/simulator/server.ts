/**
 * The simulator's HTTP face: one server, several platforms under path prefixes
 * (`/ecampus/webservice/rest/server.php`), speaking Moodle's REST protocol with its quirks:
 * exceptions in HTTP 200, literal null, 403 with an empty body when REST is off, XML when the
 * format is missing, max_input_vars truncation. Knobs: latency, fault rate (5xx, Moodle
 * exceptions, dropped connections, timeouts), unknown fields in every reply (as later Moodles add). `GET /_sim/counters` reports calls per function (read-only);
 * `GET /_sim/calls?since=<epoch ms>` the recent calls themselves (platform, function, start and end,
 * epoch ms), so a bench can tell how many of a command's calls came one after another.
 */
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { decodeParams } from '../moodle/encode';
import { WsException, cleanReturnValue, validateParameters, single } from './desc';
import { KNOWN_UNSIMULATED, WsFunction, buildRegistry } from './functions';
import { Limiter } from '../util/limiter';
import { CostModel, callCostMs } from './cost';
import { Site } from './model';
import { PlatformSeed, buildSite } from './seed';

export interface Knobs {
  latencyMs: number;
  /** Probability in [0, 1] that a call fails with a 5xx, a dropped connection or a timeout. */
  faultRate: number;
  /** How long a "timeout" fault keeps the connection open before dropping it. */
  hangMs: number;
  /** What calls cost in time (cost.ts): none, or as measured on a real Moodle. */
  cost: CostModel;
  /** Calls served at once under a cost model (PHP's server workers); the others queue. */
  workers: number;
  /** While set, every call is counted and then waits for it: a test holds Moodle mid-run, by a condition rather than a delay. */
  hold?: Promise<unknown>;
  /**
   * Adds fields no client knows to every object of every JSON reply, exceptions included, as later
   * Moodle versions do (5.2 adds `initials` to user structures): a client must ignore them.
   */
  unknownFields: boolean;
}

/** Every object in `value` with two more fields of its own, as a later Moodle version might add. */
export function withUnknownFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withUnknownFields);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withUnknownFields(v);
  return { ...out, futurefield: 'added by a later Moodle', futurestructure: { id: 0, items: [] } };
}

export interface SimulatorOptions {
  platforms: PlatformSeed[];
  port?: number;
  host?: string;
  statePath?: string;
  knobs?: Partial<Knobs>;
  random?: () => number;
  now?: () => number;
}

export interface SimulatedPlatform {
  name: string;
  url: string;
  token: string;
}

/** One web-service call as served (GET /_sim/calls): times in epoch ms. */
export interface CallRecord {
  platform: string;
  fn: string;
  start: number;
  end: number;
}

/** Calls kept for GET /_sim/calls: enough for a bench's command, small whatever the run. */
const CALL_LOG_SIZE = 20_000;

interface Platform {
  site: Site;
  registry: Map<string, WsFunction>;
  counters: Record<string, number>;
}

export class MoodleSimulator {
  readonly knobs: Knobs;
  private readonly platforms = new Map<string, Platform>();
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly random: () => number;
  private stateMtimeMs = 0;
  private baseUrl = '';
  private inFlight = 0;
  /** Most web-service requests seen in progress at once (tests check client concurrency caps). */
  peakInFlight = 0;
  /** PHP's server processes under a cost model: a call holds one while it "runs" (remade when the knob changes). */
  private workers: Limiter;
  /** The time the cost model has made calls take, in all (tests read it). */
  simulatedCostMs = 0;
  /** The last CALL_LOG_SIZE calls served, oldest first (GET /_sim/calls). */
  private readonly callLog: CallRecord[] = [];

  constructor(private readonly opts: SimulatorOptions) {
    this.knobs = { latencyMs: 0, faultRate: 0, hangMs: 15_000, cost: 'none', workers: 4, unknownFields: false, ...opts.knobs };
    this.workers = new Limiter(Math.max(1, this.knobs.workers));
    this.random = opts.random ?? Math.random;
    const restored = this.readState();
    for (const seed of opts.platforms) {
      const site = restored?.get(seed.name) ?? buildSite(seed, opts.now);
      if (opts.now) site.now = opts.now;
      this.addPlatform(site);
    }
  }

  private addPlatform(site: Site): void {
    const name = site.settings.name;
    this.platforms.set(name, { site, registry: buildRegistry(() => `${this.baseUrl}/${name}`), counters: {} });
  }

  /** The in-process site, for tests that need to look behind the REST interface. */
  site(name: string): Site {
    const p = this.platforms.get(name);
    if (!p) throw new Error(`no simulated platform ${name}`);
    return p.site;
  }

  /** Puts a whole site back (tests restore a snapshot between scenarios, as a database restore would). */
  replaceSite(site: Site): void {
    this.addPlatform(site);
  }

  /** The calls that started at or after `since` (epoch ms), oldest first. */
  calls(since = 0): CallRecord[] {
    return this.callLog.filter((c) => c.start >= since);
  }

  counters(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.platforms].map(([name, p]) => [name, { ...p.counters }]));
  }

  resetCounters(): void {
    for (const p of this.platforms.values()) p.counters = {};
  }

  /** Total calls of write functions on one platform (or all). */
  writeCalls(platform?: string): number {
    return this.sumCalls(platform, (fn) => /_(create|update|delete|add)_|_enrol_users$|_unenrol_users$|_sync$/.test(fn));
  }

  private sumCalls(platform: string | undefined, pick: (fn: string) => boolean): number {
    let n = 0;
    for (const [name, p] of this.platforms) {
      if (platform && name !== platform) continue;
      for (const [fn, c] of Object.entries(p.counters)) if (pick(fn)) n += c;
    }
    return n;
  }

  async start(): Promise<{ url: string; platforms: SimulatedPlatform[] }> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrl = `http://${this.opts.host ?? '127.0.0.1'}:${addr.port}`;
    return { url: this.baseUrl, platforms: this.describe() };
  }

  describe(): SimulatedPlatform[] {
    return [...this.platforms].map(([name, p]) => ({ name, url: `${this.baseUrl}/${name}`, token: p.site.tokens.all()[0]?.token ?? '' }));
  }

  async stop(): Promise<void> {
    this.flushState();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- request handling --------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (req.method === 'GET' && url.pathname === '/_sim/counters') return json(res, 200, this.counters());
      if (req.method === 'GET' && url.pathname === '/_sim/calls') return json(res, 200, this.calls(Number(url.searchParams.get('since') ?? 0) || 0));
      if (req.method === 'GET' && url.pathname === '/_sim/health') return json(res, 200, { ok: true, platforms: [...this.platforms.keys()] });
      const m = /^\/([a-z][a-z0-9_]*)\/webservice\/rest\/server\.php$/.exec(url.pathname);
      const platform = m ? this.platforms.get(m[1]!) : undefined;
      if (!platform || req.method !== 'POST') return text(res, 404, 'text/plain', 'Not found');
      const body = await readBody(req);
      this.reloadStateIfChanged();
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      const record: CallRecord = { platform: m![1]!, fn: '', start: Date.now(), end: 0 };
      try {
        await this.serve(platform, url, body, req, res, record);
      } finally {
        this.inFlight--;
        record.end = Date.now();
        this.callLog.push(record);
        if (this.callLog.length > CALL_LOG_SIZE) this.callLog.splice(0, this.callLog.length - CALL_LOG_SIZE);
      }
    } catch (err) {
      text(res, 500, 'text/plain', `simulator error: ${(err as Error).message}`);
    }
  }

  private async serve(p: Platform, url: URL, body: string, req: http.IncomingMessage, res: http.ServerResponse, record: CallRecord): Promise<void> {
    const site = p.site;
    if (this.knobs.latencyMs > 0) await delay(this.knobs.latencyMs);
    const fault = this.pickFault();
    if (fault === '5xx') return text(res, 503, 'text/html', '<h1>503 Service Unavailable</h1>');
    if (fault === 'exception') {
      // A database hiccup on Moodle's side: an exception in HTTP 200, nothing done.
      return text(res, 200, 'application/json', JSON.stringify({ exception: 'dml_write_exception', errorcode: 'dmlwriteexception', message: 'Error writing to database' }));
    }
    if (fault === 'drop-before') return void req.socket.destroy();

    if (!site.settings.webservicesEnabled || !site.settings.restEnabled) return text(res, 403, 'text/html; charset=utf-8', '');

    // PHP merges $_GET and $_POST, and silently drops POST variables past max_input_vars.
    const postPairs = [...new URLSearchParams(body)].slice(0, site.settings.maxInputVars);
    const getPairs = [...url.searchParams];
    const all = decodeParams([...getPairs, ...postPairs]);
    const { wstoken, wsfunction, moodlewsrestformat, ...args } = all as Record<string, unknown>;
    const format = moodlewsrestformat === 'json' ? 'json' : 'xml';
    const fn = typeof wsfunction === 'string' ? wsfunction : '';
    p.counters[fn || '(none)'] = (p.counters[fn || '(none)'] ?? 0) + 1;
    record.fn = fn || '(none)';
    if (this.knobs.hold) await this.knobs.hold;

    let result: unknown;
    let error: WsException | undefined;
    const run = () => {
      try {
        result = this.execute(p, typeof wstoken === 'string' ? wstoken : '', fn, args);
      } catch (err) {
        if (!(err instanceof WsException)) throw err;
        error = err;
      }
    };
    if (this.knobs.cost === 'none') run();
    else {
      // As on a real site: wait for a free worker, do the work, take the time the work takes there.
      if (this.workers.max !== Math.max(1, this.knobs.workers)) this.workers = new Limiter(Math.max(1, this.knobs.workers));
      await this.workers.run(async () => {
        run();
        const ms = callCostMs(this.knobs.cost, fn, args, result);
        this.simulatedCostMs += ms;
        await delay(ms);
      });
    }
    if (fault === 'drop-after') return void req.socket.destroy();
    if (fault === 'hang') {
      setTimeout(() => req.socket.destroy(), this.knobs.hangMs).unref();
      return;
    }
    if (error) return this.sendError(res, format, error, site.settings.debug);
    if (format === 'xml') return text(res, 200, 'application/xml; charset=utf-8', toXml(result));
    text(res, 200, 'application/json', JSON.stringify(this.knobs.unknownFields ? withUnknownFields(result) : result));
  }

  /** Token → function → validate → execute in a transaction → clean the return value. */
  private execute(p: Platform, token: string, fn: string, args: Record<string, unknown>): unknown {
    const site = p.site;
    const tokenRow = token ? site.tokens.first('token', token) : undefined;
    const caller = tokenRow ? site.liveUser(tokenRow.userid) : undefined;
    if (!tokenRow || !caller) throw new WsException('core\\exception\\moodle_exception', 'invalidtoken', 'Invalid token - token not found');
    if (caller.suspended) throw new WsException('core\\exception\\moodle_exception', 'usersuspended', 'User suspended');
    const def = p.registry.get(fn);
    const pluginOwner = fn.startsWith('local_cohortbot_') ? 'local_cohortbot' : fn.startsWith('local_ws_enrolcohort_') ? 'local_ws_enrolcohort' : undefined;
    const installed = def !== undefined && (pluginOwner === undefined || site.settings.cohortSyncPlugin === pluginOwner);
    if (!installed && !KNOWN_UNSIMULATED.includes(fn)) throw new WsException('dml_missing_record_exception', 'invalidrecord', "Can't find data record in database table external_functions.");
    if (!tokenRow.functions.includes(fn)) throw new WsException('webservice_access_exception', 'accessexception', 'Access control exception');
    if (!def) throw new WsException('core\\exception\\coding_exception', 'codingerror', `Coding error detected, it must be fixed by a programmer: ${fn} is not simulated`);
    const validated = validateParameters(single(def.params), args) as Record<string, unknown>;
    // Moodle calls execute() with array_values() of the validated parameters: a VALUE_OPTIONAL key
    // that was not sent is absent, and every later argument shifts into the previous slot.
    const values = Object.values(validated);
    const params = Object.fromEntries(Object.keys(def.params).map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined));
    const before = site.undo.changes;
    const result = site.transaction(() => cleanReturnValue(def.returns, def.execute(site, caller, params, tokenRow)));
    if (site.undo.changes !== before) this.scheduleStateWrite();
    return result;
  }

  private sendError(res: http.ServerResponse, format: 'json' | 'xml', e: WsException, debug: boolean): void {
    if (format === 'xml') {
      const xml = `<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="${escapeXml(e.exception)}">\n<ERRORCODE>${escapeXml(e.errorcode ?? '')}</ERRORCODE>\n<MESSAGE>${escapeXml(e.message)}</MESSAGE>\n</EXCEPTION>\n`;
      return text(res, 200, 'application/xml; charset=utf-8', xml);
    }
    const payload: Record<string, string> = { exception: e.exception };
    if (e.errorcode) payload.errorcode = e.errorcode;
    payload.message = e.message;
    if (debug && e.debuginfo) payload.debuginfo = e.debuginfo;
    text(res, 200, 'application/json', JSON.stringify(this.knobs.unknownFields ? withUnknownFields(payload) : payload));
  }

  private pickFault(): 'none' | '5xx' | 'exception' | 'drop-before' | 'drop-after' | 'hang' {
    if (this.knobs.faultRate <= 0 || this.random() >= this.knobs.faultRate) return 'none';
    const r = this.random();
    return r < 0.25 ? '5xx' : r < 0.4 ? 'exception' : r < 0.55 ? 'drop-before' : r < 0.85 ? 'drop-after' : 'hang';
  }

  // ---- state file --------------------------------------------------------------------------------

  private readState(): Map<string, Site> | undefined {
    const file = this.opts.statePath;
    if (!file || !fs.existsSync(file)) return undefined;
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { platforms: Record<string, ReturnType<Site['dump']>> };
    this.stateMtimeMs = fs.statSync(file).mtimeMs;
    return new Map(Object.entries(data.platforms).map(([name, dump]) => [name, Site.restore(dump)]));
  }

  /** Another simulator process sharing the state file may have written since we last looked. */
  private reloadStateIfChanged(): void {
    const file = this.opts.statePath;
    if (!file || !fs.existsSync(file)) return;
    if (fs.statSync(file).mtimeMs <= this.stateMtimeMs) return;
    const restored = this.readState();
    for (const site of restored?.values() ?? []) {
      if (this.opts.now) site.now = this.opts.now;
      this.addPlatform(site);
    }
  }

  private stateTimer?: NodeJS.Timeout;
  /** How many times the state file was rewritten (the bench and tests watch it). */
  stateWrites = 0;

  /**
   * Writes are coalesced: one rewrite of the whole state at most every STATE_FLUSH_MS, whatever the
   * number of write calls (a 100,000-student first sync is thousands of them), and a last one at stop.
   */
  private scheduleStateWrite(): void {
    if (!this.opts.statePath || this.stateTimer) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      this.writeState();
    }, STATE_FLUSH_MS);
  }

  /** Writes a pending state now (at stop, or before another process must see it). */
  flushState(): void {
    if (!this.stateTimer) return;
    clearTimeout(this.stateTimer);
    this.stateTimer = undefined;
    this.writeState();
  }

  writeState(): void {
    this.stateWrites++;
    const file = this.opts.statePath;
    if (!file) return;
    const data = { platforms: Object.fromEntries([...this.platforms].map(([name, p]) => [name, p.site.dump()])) };
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
    this.stateMtimeMs = fs.statSync(file).mtimeMs;
  }
}

/** The longest a change waits before the state file shows it to another simulator process. */
const STATE_FLUSH_MS = 200;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function text(res: http.ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  text(res, status, 'application/json', JSON.stringify(value));
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** Moodle's XML format for a return value (RESPONSE/SINGLE/KEY/MULTIPLE/VALUE). */
function toXml(value: unknown): string {
  const node = (v: unknown): string => {
    if (v === null || v === undefined) return '<VALUE null="null"/>';
    if (Array.isArray(v)) return `<MULTIPLE>${v.map(node).join('')}</MULTIPLE>`;
    if (typeof v === 'object') return `<SINGLE>${Object.entries(v as Record<string, unknown>).map(([k, x]) => `<KEY name="${escapeXml(k)}">${node(x)}</KEY>`).join('')}</SINGLE>`;
    return `<VALUE>${escapeXml(typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}</VALUE>`;
  };
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>${value === null ? '' : node(value)}</RESPONSE>\n`;
}
