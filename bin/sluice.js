#!/usr/bin/env node
// Entry point of the `sluice` command. Sluice runs its TypeScript sources directly on Node >= 24 (type
// stripping). When an older Node starts this file (the machine's default), re-run it with the Node 24
// binary that the project pins through the `node` package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  const { main } = await import(join(root, 'src/cli/main.ts'));
  await main(process.argv);
} else {
  const pinned = join(root, 'node_modules/node/bin/node');
  if (!existsSync(pinned)) {
    console.error(`sluice: needs Node >= 24 (found ${process.version}); run \`npm ci\` in ${root} first`);
    process.exit(2);
  }
  const r = spawnSync(pinned, [join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
