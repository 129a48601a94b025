// Packs every library package, installs the tarballs (plus the tfjs peers) into a
// fresh project in a temp folder outside the workspace, and runs the checks there:
// the only test that sees aekit exactly as an npm user does.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const packages = ['backend', 'datasets', 'losses', 'layers', 'models', 'trainers'];
const tfjsVersion = '4.22.0';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aekit-consumer-'));
const tarballs = path.join(work, 'tarballs');
const project = path.join(work, 'project');
fs.mkdirSync(tarballs);
fs.mkdirSync(project);

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

try {
  const packed = packages.map((name) => {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], {
      cwd: path.join(root, 'packages', name),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return path.join(tarballs, JSON.parse(out)[0].filename);
  });
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'aekit-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  run(
    'npm',
    [
      'install', '--no-audit', '--no-fund', '--loglevel=error',
      ...packed,
      `@tensorflow/tfjs-core@${tfjsVersion}`,
      `@tensorflow/tfjs-layers@${tfjsVersion}`,
    ],
    project,
  );
  fs.cpSync(path.join(here, 'checks'), path.join(project, 'checks'), { recursive: true });
  // ESM and CJS in separate processes: each must stand on its own.
  run(process.execPath, ['checks/esm.mjs'], project);
  run(process.execPath, ['checks/cjs.cjs'], project);
  console.log(`consumer test: ${packages.length} packages installed from tarballs and used via import and require`);
} finally {
  if (!process.env.AEKIT_KEEP_CONSUMER) fs.rmSync(work, { recursive: true, force: true });
}
