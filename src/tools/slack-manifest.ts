/** `npm run manifest:slack -- --url https://host`: prints the Slack app manifest filled in for that host. */
import fs from 'node:fs';
import path from 'node:path';

const DIR = [path.resolve(__dirname, '..', '..', 'manifests', 'slack'), path.resolve(__dirname, '..', '..', '..', 'manifests', 'slack')].find((d) => fs.existsSync(path.join(d, 'manifest.yaml')))!;

export function slackManifest(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'https:') throw new Error('the URL must be https:// (Slack only calls HTTPS endpoints)');
  return fs.readFileSync(path.join(DIR, 'manifest.yaml'), 'utf8').replace(/\{\{HOST\}\}/g, `${u.host}${u.pathname.replace(/\/+$/, '')}`);
}

if (require.main === module) {
  const i = process.argv.indexOf('--url');
  const url = i > 0 ? process.argv[i + 1] : undefined;
  if (!url) {
    process.stderr.write('usage: npm run manifest:slack -- --url https://cohortbot.example.edu\n');
    process.exit(2);
  }
  try {
    process.stdout.write(slackManifest(url));
  } catch (err) {
    process.stderr.write(`manifest:slack: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
