// Bundles Haven's browser code and its node-side tools with esbuild.
//
//   node build.mjs [--outdir DIR] [TARGET ...]
//
// With no TARGET every target is built. Each target is one entry in `kTargets` below: add the
// widget and console app bundles there, next to the test bundles. --outdir overrides where the
// target writes (default: the target's own directory under widget/).

import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const kRoot = dirname(fileURLToPath(import.meta.url));
const kDefaultTestOutdir = join(kRoot, 'dist-test');

// Node bundles are ES modules; libsodium's wasm loader is plain JS, so nothing needs `require`.
const kNodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'inline',
  logLevel: 'warning',
};

/** Files under `dir` (relative to the widget root) whose name ends with `suffix`, sorted. */
function filesEndingWith(dir, suffix) {
  return readdirSync(join(kRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => relative(kRoot, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

const kTargets = {
  // Every test/**/*.test.ts becomes DIR/<same path>.test.mjs, run by `node --test`.
  test: (outdir) => ({
    ...kNodeBundle,
    entryPoints: filesEndingWith('test', '.test.ts'),
    outbase: join(kRoot, 'test'),
    outdir: outdir ?? kDefaultTestOutdir,
  }),
  // The cross-implementation test vector tool (protocol.md §15): DIR/tools/vectors.mjs.
  vectors: (outdir) => ({
    ...kNodeBundle,
    entryPoints: ['tools/vectors.ts'],
    outbase: kRoot,
    outdir: outdir ?? kDefaultTestOutdir,
  }),
};

function parseArguments(argv) {
  const names = [];
  let outdir;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--outdir') {
      outdir = argv[++i];
      if (outdir === undefined) throw new Error('--outdir needs a directory');
    } else if (arg.startsWith('--outdir=')) {
      outdir = arg.slice('--outdir='.length);
    } else if (arg in kTargets) {
      names.push(arg);
    } else {
      throw new Error(`unknown argument ${arg}; targets: ${Object.keys(kTargets).join(', ')}`);
    }
  }
  return { names: names.length > 0 ? names : Object.keys(kTargets), outdir: outdir && resolve(outdir) };
}

async function main() {
  const { names, outdir } = parseArguments(process.argv.slice(2));
  process.chdir(kRoot);
  for (const name of names) {
    await esbuild.build(kTargets[name](outdir));
  }
}

main().catch((error) => {
  console.error(`build.mjs: ${error.message}`);
  process.exit(1);
});
