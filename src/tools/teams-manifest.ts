/**
 * `npm run manifest:teams`: fills manifests/teams/manifest.json from the environment, checks it
 * against the schema bundled with @microsoft/app-manifest (offline) and the icon sizes, and writes
 * manifests/teams/build/cohortbot-teams.zip, ready to upload in Teams.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pngSize } from './png';
import { zip } from './zip';

/** manifests/teams, whether this runs from src/ (tests) or from dist/. */
export const TEAMS_DIR = [path.resolve(__dirname, '..', '..', 'manifests', 'teams'), path.resolve(__dirname, '..', '..', '..', 'manifests', 'teams')].find((d) => fs.existsSync(path.join(d, 'manifest.json')))!;

export function fillManifest(env: Record<string, string | undefined>): Record<string, unknown> {
  const template = fs.readFileSync(path.join(TEAMS_DIR, 'manifest.json'), 'utf8');
  const values: Record<string, string> = {
    MicrosoftAppId: env.MicrosoftAppId ?? '00000000-0000-0000-0000-000000000000',
    DEVELOPER_NAME: env.TEAMS_DEVELOPER_NAME ?? 'Université — DSI',
    DEVELOPER_URL: (env.TEAMS_DEVELOPER_URL ?? 'https://www.example.edu').replace(/\/+$/, ''),
    BOT_DOMAIN: env.BOT_DOMAIN ?? 'cohortbot.example.edu',
  };
  return JSON.parse(template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '')) as Record<string, unknown>;
}

export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const { AppManifestUtils } = (await import('@microsoft/app-manifest')) as unknown as { AppManifestUtils: { validateAgainstSchema(m: unknown): Promise<string[]> } };
  const errors = await AppManifestUtils.validateAgainstSchema(manifest);
  const icons = [['color.png', 192], ['outline.png', 32]] as const;
  for (const [file, size] of icons) {
    const { width, height, colorType } = pngSize(fs.readFileSync(path.join(TEAMS_DIR, file)));
    if (width !== size || height !== size) errors.push(`${file} is ${width}×${height}, expected ${size}×${size}`);
    if (file === 'outline.png' && colorType !== 6) errors.push('outline.png must have an alpha channel (white on transparent)');
  }
  return errors;
}

async function main(): Promise<void> {
  // --check <file>: validate a manifest file and print the problems as JSON (used by the tests).
  const check = process.argv.indexOf('--check');
  if (check > 0) {
    const errors = await validateManifest(JSON.parse(fs.readFileSync(process.argv[check + 1]!, 'utf8')) as Record<string, unknown>);
    process.stdout.write(`${JSON.stringify(errors)}\n`);
    process.exit(errors.length ? 1 : 0);
  }
  if (!process.env.MicrosoftAppId) process.stderr.write('manifest:teams: MicrosoftAppId is not set: the package carries a placeholder id\n');
  const manifest = fillManifest(process.env);
  const errors = await validateManifest(manifest);
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`manifest:teams: ${e}\n`);
    process.exit(1);
  }
  const out = path.join(TEAMS_DIR, 'build', 'cohortbot-teams.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    zip([
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) },
      { name: 'color.png', data: fs.readFileSync(path.join(TEAMS_DIR, 'color.png')) },
      { name: 'outline.png', data: fs.readFileSync(path.join(TEAMS_DIR, 'outline.png')) },
      { name: 'en-us.json', data: fs.readFileSync(path.join(TEAMS_DIR, 'en-us.json')) },
    ]),
  );
  process.stdout.write(`${out}\n`);
}

if (require.main === module) void main();
