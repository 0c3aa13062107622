/**
 * A real OpenLDAP server for one test file (docs/directory.md §6): temp dir, SupAnn subset
 * schema, free port, `slapadd -q` of the given entries, readiness poll, stop by pid, nothing left
 * behind. Missing slapd: installed with apt when root, otherwise a clear failure naming the packages.
 */
import { ChildProcess, spawnSync } from 'node:child_process';
import { SLAPD_SET, ensurePackages } from './apt';
import { spawnGroup, stopGroup } from './process-group';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BASE_DN = 'dc=univ-demo,dc=fr';
export const ROOT_DN = `cn=admin,${BASE_DN}`;
export const ROOT_PW = 'admin-secret';
/** The reader with unlimited paged results, as the admin is asked to configure for cohortbot. */
export const READER_DN = `cn=cohortbot,ou=system,${BASE_DN}`;
export const READER_PW = 'cohortbot-demo';
/** A reader without that `limits` line: the server's default size limit of 500 applies. */
export const LIMITED_DN = `cn=limited,ou=system,${BASE_DN}`;
export const LIMITED_PW = 'limited-secret';

/** The schema beside the test sources, whether this file runs from test/ or compiled in dist/. */
const SCHEMA = [path.resolve(__dirname, '..', 'fixtures', 'supann-subset.schema'), path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'supann-subset.schema')].find((p) => fs.existsSync(p))!;
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

export interface Slapd {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Makes sure slapd and ldap-utils are there, installing them as root; never skips. */
export function ensureSlapd(): void {
  ensurePackages([SLAPD_SET]);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The tree's fixed entries: the base, ou=people, ou=system and the two reader accounts. */
export function baseEntries(): string {
  return [
    `dn: ${BASE_DN}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: univ-demo', 'o: Universite Demo', '',
    `dn: ou=people,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: people', '',
    `dn: ou=system,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: system', '',
    `dn: ${READER_DN}`, 'objectClass: organizationalRole', 'objectClass: simpleSecurityObject', 'cn: cohortbot', `userPassword: ${READER_PW}`, '',
    `dn: ${LIMITED_DN}`, 'objectClass: organizationalRole', 'objectClass: simpleSecurityObject', 'cn: limited', `userPassword: ${LIMITED_PW}`, '',
  ].join('\n');
}

/**
 * Starts slapd loaded with `ldif` (which must hold the whole tree, e.g. baseEntries() + people).
 * `sizelimit` is the global soft limit for ordinary binds (500 as in production).
 */
export async function startSlapd(ldif: string, opts: { sizelimit?: number } = {}): Promise<Slapd> {
  ensureSlapd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-slapd-'));
  fs.mkdirSync(path.join(dir, 'db'));
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${SCHEMA}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${dir}/slapd.pid`,
      `argsfile ${dir}/slapd.args`,
      `sizelimit ${opts.sizelimit ?? 500}`,
      'database mdb',
      `suffix "${BASE_DN}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${dir}/db`,
      'maxsize 1073741824',
      'index objectClass eq',
      'index uid,supannEtuId,mail eq',
      `limits dn.exact="${READER_DN}" size.prtotal=unlimited`,
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  const data = path.join(dir, 'data.ldif');
  fs.writeFileSync(data, ldif);
  const add = spawnSync(SLAPADD, ['-q', '-f', conf, '-l', data], { encoding: 'utf8' });
  if (add.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapadd failed: ${add.stderr}`);
  }
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const child: ChildProcess = spawnGroup(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  // A generous deadline: two cores shared by parallel test files start slapd slowly.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const probe = spawnSync('ldapsearch', ['-x', '-H', url, '-b', '', '-s', 'base', '1.1'], { encoding: 'utf8', timeout: 2000 });
    if (probe.status === 0) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopGroup(child, { signal: 'SIGKILL' });
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`slapd did not start on ${url}: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    port,
    dir,
    async stop() {
      await stopGroup(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `count` generated student entries, each with one current inscription and one of last year. */
export function generatedStudents(count: number, year = 2026, prefix = 'g'): string {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const uid = `${prefix}${String(i).padStart(6, '0')}`;
    const etape = `GEN${String(i % 150).padStart(3, '0')}`;
    out.push(
      `dn: uid=${uid},ou=people,${BASE_DN}`,
      'objectClass: inetOrgPerson',
      'objectClass: eduPerson',
      'objectClass: supannPerson',
      `uid: ${uid}`,
      `cn: Student ${i}`,
      `sn: S${i}`,
      `mail: ${uid}@etu.univ-demo.fr`,
      'eduPersonAffiliation: student',
      `supannEtuId: ${30000000 + i}`,
      `supannEtuInscription: [etab={UAI}0141408E][anneeinsc=${year}][etape={UAI:0141408E}${etape}]`,
      `supannEtuInscription: [etab={UAI}0141408E][anneeinsc=${year - 1}][etape={UAI:0141408E}OLD${etape.slice(3)}]`,
      '',
    );
  }
  return out.join('\n');
}
