/**
 * Where the real-Moodle target finds each version's archive: MOODLE_ARCHIVE as a folder or a list,
 * and a missing one is an error that says where to put it — never a skip.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MOODLE_VERSIONS, archivePath } from '../helpers/moodle';

describe('archivePath', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-archives-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const touch = (...parts: string[]) => {
    const p = path.join(dir, ...parts);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '');
    return p;
  };

  test('the suite tests the LTS and the current major', () => {
    expect(MOODLE_VERSIONS).toEqual(['4.5.6', '5.1.3']);
  });

  test('a folder holding both archives serves both versions', () => {
    const lts = touch('moodle-4.5.6.tar.xz');
    const current = touch('moodle-5.1.3.tar.xz');
    expect(archivePath('4.5.6', { MOODLE_ARCHIVE: dir })).toBe(lts);
    expect(archivePath('5.1.3', { MOODLE_ARCHIVE: dir })).toBe(current);
  });

  test('a list of archives and folders, separated by colons, finds each version by its file name', () => {
    const lts = touch('a', 'moodle-4.5.6.tar.xz');
    const current = touch('b', 'moodle-5.1.3.tar.xz');
    const env = { MOODLE_ARCHIVE: `${lts}:${path.join(dir, 'b')}` };
    expect(archivePath('4.5.6', env)).toBe(lts);
    expect(archivePath('5.1.3', env)).toBe(current);
  });

  test('a version with no archive fails, naming the file and where it was looked for', () => {
    touch('moodle-4.5.6.tar.xz');
    expect(() => archivePath('5.1.3', { MOODLE_ARCHIVE: dir })).toThrow(/Moodle 5\.1\.3 \(moodle-5\.1\.3\.tar\.xz\).*MOODLE_ARCHIVE=/);
  });

  test('an entry that does not exist is an error, not something to pass over', () => {
    const lts = touch('moodle-4.5.6.tar.xz');
    expect(() => archivePath('4.5.6', { MOODLE_ARCHIVE: `${path.join(dir, 'nowhere')}:${lts}` })).toThrow(/nowhere, which does not exist/);
  });
});
