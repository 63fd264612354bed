// Bundles Haven's browser code and its node-side tools with esbuild.
//
//   node build.mjs [--outdir DIR] [TARGET ...]
//
// With no TARGET the unit test targets (test, vectors) are built; `web` and `browser-test` only when named.
// --outdir overrides where the target writes (default: the target's own directory under widget/).
//
//   web      the static site Haven serves (default DIR: widget/dist/web):
//              DIR/assets/<name>.<hash>.{js,css}   content-addressed bundles (served immutable)
//              DIR/widget/frame.html              the visitor iframe
//              DIR/console/index.html             the duty console (with the operator view and
//                                                 statistics for supervisors)
//              DIR/index.html                     the demo partner page embedding the loader
//              DIR/embed.json                     {"loader": "/assets/loader.<hash>.js", "integrity": "sha384-…"}
//              + every other file of widget/static/, copied
//            HTML files under static/ are templates: @@NAME@@ markers are filled in here; the one
//            runtime placeholder {{HAVEN_ORG_FINGERPRINT}} is left for the server. Prints the gzip
//            size of every bundle and fails when a budget (kBudgets) is exceeded or a bundle
//            mentions a browser storage or history API (kForbidden).
//   test     every test/**/*.test.ts but test/browser/ as DIR/<same path>.test.mjs (default DIR: widget/dist-test)
//   browser-test  test/browser/*.test.ts as DIR/browser/*.test.mjs (Playwright; see README)
//   vectors  the §15 vector tool as DIR/tools/vectors.mjs

import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const kRoot = dirname(fileURLToPath(import.meta.url));
const kDefaultTestOutdir = join(kRoot, 'dist-test');
const kDefaultWebOutdir = join(kRoot, 'dist', 'web');

/**
 * gzip byte budgets (ARCHITECTURE §4): the loader, and the frame app without libsodium; the
 * console's own code (without libsodium's sumo build, which it loads for crypto_pwhash).
 */
const kBudgets = { loader: 5 * 1024, frame: 60 * 1024, console: 80 * 1024 };

/**
 * What no bundle of ours may mention (ARCHITECTURE §4: no cookies, storage APIs, service workers
 * or history entries). libsodium's chunk is checked too.
 */
const kForbidden = [
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'document.cookie',
  'serviceWorker',
  'caches.open',
  'pushState',
  'replaceState',
  'openDatabase',
];

// Node bundles are ES modules; libsodium's wasm loader is plain JS, so nothing needs `require`.
const kNodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'inline',
  logLevel: 'warning',
  // The browser tests drive Chromium through these; they stay ordinary node_modules imports.
  external: ['playwright-core', '@axe-core/playwright'],
};

/** Files under `dir` (relative to the widget root) whose name ends with `suffix`, sorted. */
function filesEndingWith(dir, suffix) {
  return readdirSync(join(kRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => relative(kRoot, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

const kTargets = {
  // Every test/**/*.test.ts but the browser tests becomes DIR/<same path>.test.mjs, run by `node --test`.
  test: (outdir) => ({
    ...kNodeBundle,
    entryPoints: filesEndingWith('test', '.test.ts').filter((path) => !path.startsWith(join('test', 'browser'))),
    outbase: join(kRoot, 'test'),
    outdir: outdir ?? kDefaultTestOutdir,
  }),
  // test/browser/*.test.ts (Playwright against a running Haven): DIR/browser/*.test.mjs.
  'browser-test': (outdir) => ({
    ...kNodeBundle,
    entryPoints: filesEndingWith(join('test', 'browser'), '.test.ts'),
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

const kNodeTargets = ['test', 'vectors'];

function sha384(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

function gzipSize(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

function kilobytes(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** esbuild's outputs, written under `outdir`, as {url, bytes, inputs}. */
function collectOutputs(result, outdir) {
  return result.outputFiles.map((file) => {
    const path = relative(outdir, file.path).split('\\').join('/');
    const meta = result.metafile.outputs[relative(kRoot, file.path).split('\\').join('/')];
    return { path, url: `/${path}`, bytes: file.contents, inputs: Object.keys(meta?.inputs ?? {}) };
  });
}

const kBrowserBundle = {
  bundle: true,
  platform: 'browser',
  minify: true,
  write: false,
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
  charset: 'utf8',
};

async function buildWeb(outdirArgument) {
  const outdir = outdirArgument ?? kDefaultWebOutdir;
  const assets = join(outdir, 'assets');
  // Only assets/ is emptied (stale hashed bundles); the rest of DIR is overwritten file by file.
  rmSync(assets, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });

  const loaderResult = await esbuild.build({
    ...kBrowserBundle,
    entryPoints: [{ in: 'src/loader/loader.ts', out: 'loader' }],
    format: 'iife',
    target: ['es2019'],
    outdir: assets,
    entryNames: '[name].[hash]',
  });
  // An app: src/<dir>/main.ts and src/<dir>/<name>.css as <name>.<hash>.js/.css, with the
  // chunks it loads on demand (libsodium, the QR code) split off.
  const app = (name, dir) =>
    esbuild.build({
      ...kBrowserBundle,
      entryPoints: [
        { in: `src/${dir}/main.ts`, out: name },
        { in: `src/${dir}/${name}.css`, out: name },
      ],
      format: 'esm',
      splitting: true,
      target: ['es2020'],
      outdir: assets,
      entryNames: '[name].[hash]',
      chunkNames: 'chunk.[hash]',
    });
  const frameResult = await app('frame', 'visitor');
  const consoleResult = await app('console', 'console');

  const loaderOutputs = collectOutputs(loaderResult, outdir);
  const frameOutputs = collectOutputs(frameResult, outdir);
  const consoleOutputs = collectOutputs(consoleResult, outdir);
  for (const output of [...loaderOutputs, ...frameOutputs, ...consoleOutputs]) writeFileSync(join(outdir, output.path), output.bytes);

  const isSodium = (output) => output.inputs.some((input) => input.includes('node_modules/libsodium'));
  const loader = loaderOutputs.find((output) => output.path.endsWith('.js'));
  const frameScript = frameOutputs.find((output) => /^assets\/frame\.[^/]+\.js$/.test(output.path));
  const frameStyle = frameOutputs.find((output) => /^assets\/frame\.[^/]+\.css$/.test(output.path));
  const consoleScript = consoleOutputs.find((output) => /^assets\/console\.[^/]+\.js$/.test(output.path));
  const consoleStyle = consoleOutputs.find((output) => /^assets\/console\.[^/]+\.css$/.test(output.path));
  if (!loader || !frameScript || !frameStyle || !consoleScript || !consoleStyle) throw new Error('web: a bundle is missing from the esbuild output');

  const markers = {
    LOADER_SRC: loader.url,
    LOADER_INTEGRITY: sha384(loader.bytes),
    FRAME_SCRIPT: frameScript.url,
    FRAME_SCRIPT_INTEGRITY: sha384(frameScript.bytes),
    FRAME_STYLE: frameStyle.url,
    FRAME_STYLE_INTEGRITY: sha384(frameStyle.bytes),
    CONSOLE_SCRIPT: consoleScript.url,
    CONSOLE_SCRIPT_INTEGRITY: sha384(consoleScript.bytes),
    CONSOLE_STYLE: consoleStyle.url,
    CONSOLE_STYLE_INTEGRITY: sha384(consoleStyle.bytes),
  };
  const pages = {};
  for (const file of readdirSync(join(kRoot, 'static'), { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const source = join(file.parentPath ?? file.path, file.name);
    const path = relative(join(kRoot, 'static'), source).split('\\').join('/');
    mkdirSync(dirname(join(outdir, path)), { recursive: true });
    if (!path.endsWith('.html')) {
      cpSync(source, join(outdir, path));
      continue;
    }
    const text = readFileSync(source, 'utf8').replace(/@@([A-Z_]+)@@/g, (whole, name) => {
      if (!(name in markers)) throw new Error(`web: ${path} has an unknown marker ${whole}`);
      return markers[name];
    });
    writeFileSync(join(outdir, path), text);
    pages[path] = Buffer.from(text);
  }
  if (!pages['widget/frame.html'] || !pages['index.html'] || !pages['console/index.html']) {
    throw new Error('web: static/index.html, static/widget/frame.html and static/console/index.html are required');
  }
  writeFileSync(join(outdir, 'embed.json'), `${JSON.stringify({ loader: loader.url, integrity: markers.LOADER_INTEGRITY })}\n`);

  const problems = [];
  for (const output of [...loaderOutputs, ...frameOutputs, ...consoleOutputs]) {
    const text = Buffer.from(output.bytes).toString('utf8');
    for (const word of kForbidden) {
      if (text.includes(word)) problems.push(`${output.path} mentions ${word}`);
    }
  }

  const rows = [];
  const loaderGzip = gzipSize(loader.bytes);
  rows.push([loader.path, loader.bytes.length, loaderGzip, 'loader']);
  let frameGzip = gzipSize(pages['widget/frame.html']);
  rows.push(['widget/frame.html', pages['widget/frame.html'].length, frameGzip, 'frame']);
  for (const output of frameOutputs) {
    const gzip = gzipSize(output.bytes);
    const sodium = isSodium(output);
    if (!sodium) frameGzip += gzip;
    rows.push([output.path, output.bytes.length, gzip, sodium ? 'libsodium (loaded when a chat starts)' : 'frame']);
  }
  let consoleGzip = gzipSize(pages['console/index.html']);
  rows.push(['console/index.html', pages['console/index.html'].length, consoleGzip, 'console']);
  for (const output of consoleOutputs) {
    const gzip = gzipSize(output.bytes);
    const sodium = isSodium(output);
    if (!sodium) consoleGzip += gzip;
    rows.push([output.path, output.bytes.length, gzip, sodium ? 'libsodium sumo (console, loaded at login)' : 'console']);
  }
  for (const [path, raw, gzip, part] of rows) {
    console.log(`  ${path.padEnd(34)} ${kilobytes(raw).padStart(9)} ${kilobytes(gzip).padStart(9)} gzip  ${part}`);
  }
  console.log(`  loader total ${kilobytes(loaderGzip)} gzip (budget ${kilobytes(kBudgets.loader)}); ` +
    `frame app ${kilobytes(frameGzip)} gzip without libsodium (budget ${kilobytes(kBudgets.frame)}); ` +
    `console ${kilobytes(consoleGzip)} gzip without libsodium (budget ${kilobytes(kBudgets.console)})`);
  if (loaderGzip > kBudgets.loader) problems.push(`the loader is ${loaderGzip} bytes gzip, over its budget of ${kBudgets.loader}`);
  if (frameGzip > kBudgets.frame) problems.push(`the frame app is ${frameGzip} bytes gzip, over its budget of ${kBudgets.frame}`);
  if (consoleGzip > kBudgets.console) problems.push(`the console is ${consoleGzip} bytes gzip, over its budget of ${kBudgets.console}`);
  if (problems.length > 0) throw new Error(`web build failed:\n  ${problems.join('\n  ')}`);
  console.log(`web: wrote ${relative(process.cwd(), outdir) || '.'}`);
}

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
    } else if (arg in kTargets || arg === 'web') {
      names.push(arg);
    } else {
      throw new Error(`unknown argument ${arg}; targets: ${[...Object.keys(kTargets), 'web'].join(', ')}`);
    }
  }
  return { names: names.length > 0 ? names : kNodeTargets, outdir: outdir && resolve(outdir) };
}

async function main() {
  const { names, outdir } = parseArguments(process.argv.slice(2));
  process.chdir(kRoot);
  for (const name of names) {
    if (name === 'web') await buildWeb(outdir);
    else await esbuild.build(kTargets[name](outdir));
  }
}

main().catch((error) => {
  console.error(`build.mjs: ${error.message}`);
  process.exit(1);
});
