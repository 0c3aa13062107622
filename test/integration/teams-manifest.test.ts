import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fillManifest, TEAMS_DIR } from '../../src/tools/teams-manifest';

/** @microsoft/app-manifest loads ESM that jest cannot require: validate through the built tool, in node. */
async function validateManifest(m: Record<string, unknown>): Promise<string[]> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'manifest.json');
  fs.writeFileSync(file, JSON.stringify(m));
  const tool = path.resolve(__dirname, '..', '..', 'dist', 'src', 'tools', 'teams-manifest.js');
  const r = spawnSync(process.execPath, [tool, '--check', file], { encoding: 'utf8' });
  return JSON.parse(r.stdout) as string[];
}
import { pngSize } from '../../src/tools/png';
import { zip } from '../../src/tools/zip';
import { renderCard } from '../../src/channels/teams/cards';

describe('Teams app manifest', () => {
  it('validates offline against the bundled v1.22 schema, with icons of the right size', async () => {
    const m = fillManifest({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', BOT_DOMAIN: 'cohortbot.univ.fr' });
    expect(await validateManifest(m)).toEqual([]);
    expect(m.id).toBe('11111111-2222-3333-4444-555555555555');
    expect((m.bots as Array<{ botId: string; commandLists: Array<{ commands: unknown[] }> }>)[0]!.commandLists[0]!.commands.length).toBeLessThanOrEqual(10);
    expect(pngSize(fs.readFileSync(path.join(TEAMS_DIR, 'color.png')))).toMatchObject({ width: 192, height: 192 });
    expect(pngSize(fs.readFileSync(path.join(TEAMS_DIR, 'outline.png')))).toEqual({ width: 32, height: 32, colorType: 6 });
  });

  it('reports what is wrong in a broken manifest', async () => {
    const m = fillManifest({});
    (m as Record<string, unknown>).accentColor = 'blue';
    delete (m.developer as Record<string, unknown>).privacyUrl;
    const errors = await validateManifest(m);
    expect(errors.join('\n')).toMatch(/accentColor/);
    expect(errors.join('\n')).toMatch(/privacyUrl/);
  });

  it('localises every command into English', () => {
    const en = JSON.parse(fs.readFileSync(path.join(TEAMS_DIR, 'en-us.json'), 'utf8')) as Record<string, string>;
    const m = fillManifest({});
    const n = (m.bots as Array<{ commandLists: Array<{ commands: unknown[] }> }>)[0]!.commandLists[0]!.commands.length;
    for (let i = 0; i < n; i++) expect(en[`bots[0].commandLists[0].commands[${i}].title`]).toBeTruthy();
  });

  it('packs a zip that unzip can read', () => {
    const z = zip([{ name: 'a.txt', data: Buffer.from('hello') }]);
    expect(z.readUInt32LE(0)).toBe(0x04034b50);
    expect(z.readUInt32LE(z.length - 22)).toBe(0x06054b50);
  });
});

describe('Adaptive Card rendering', () => {
  it('renders facts, tables and buttons carrying their command payload', () => {
    const card = renderCard({ title: 'T', tone: 'warning', blocks: [{ type: 'facts', facts: [{ label: 'a', value: 'b' }] }, { type: 'table', columns: ['x'], rows: [['1']] }], buttons: [{ label: 'OK', payload: 'oui 1234abcd', style: 'primary' }] });
    expect(card).toMatchObject({ version: '1.5', actions: [{ type: 'Action.Execute', title: 'OK', data: { cohortbot: 'oui 1234abcd' } }] });
    const json = JSON.stringify(card);
    expect(json).toContain('"inlines":[{"type":"TextRun","text":"a","weight":"Bolder"},{"type":"TextRun","text":" b"}]');
    expect(json).toContain('"type":"Table"');
    expect(json).toContain('"style":"warning"');
  });
});
