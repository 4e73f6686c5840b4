// Bundles tsc's output (dist/src) into the files the package ships
// (dist/pkg): one file per subpath entry plus the chunks they share. Node 20
// spends about 150 KiB of resident memory per ES module it loads, so the
// ~40 small modules behind `tsgi/server` cost more than their code; bundled,
// each subpath loads a handful of files and only its own dependencies.
// Bundling tsc's JavaScript rather than the TypeScript keeps tsc's emit
// (decorators, class fields) exactly; esbuild follows each file's source map
// back to src/*.ts, whose text the maps carry.
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const entries = new Set(['dist/src/cli/main.js']);
for (const [subpath, target] of Object.entries(manifest.exports)) {
  if (typeof target === 'string') continue;
  const file = target.default.replace('./dist/pkg/', 'dist/src/');
  if (!subpath.includes('*')) entries.add(file);
  else for (const name of readdirSync('dist/src/middleware')) entries.add(file.replace('*', name));
}

await rm(new URL('../dist/pkg', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: [...entries],
  outbase: 'dist/src',
  outdir: 'dist/pkg',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
