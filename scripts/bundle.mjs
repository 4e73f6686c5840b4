// Bundles tsc's output (dist/src) into the files the package ships
// (dist/pkg): one file per subpath entry, and one chunk per layer that the
// entries share. Node 20 pays for each ES module it loads beyond its code:
// resolving many files makes its URL-to-path code hot enough to start the
// optimizing compiler, which alone holds about 4 MiB. Chunks by layer keep
// `tsgi/server` at a few files however many subpaths share its code.
// Bundling tsc's JavaScript rather than the TypeScript keeps tsc's emit
// (decorators, class fields) exactly; each file's source map is passed on,
// so the bundle's maps lead back to src/*.ts, whose text they carry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const input = { 'cli/main': 'dist/src/cli/main.js' };
const addEntry = (file) => (input[file.replace(/^dist\/src\//, '').replace(/\.js$/, '')] = file);
for (const [subpath, target] of Object.entries(manifest.exports)) {
  if (typeof target === 'string') continue;
  const file = target.default.replace('./dist/pkg/', 'dist/src/');
  if (!subpath.includes('*')) addEntry(file);
  else for (const name of readdirSync('dist/src/middleware')) addEntry(file.replace('*', name));
}

const ENTRIES = new Set(Object.values(input));

// Loaded on first use (see src/server/on-demand.ts), so each is a chunk of its own.
const ON_DEMAND = /^dist\/src\/server\/(http2|websocket)\/(?!alpn|on-demand|options|node-upgrade)/;
/** The modules `file` imports statically, itself included, transitively (tsc's output has no type imports left). */
function reachable(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, path] of readFileSync(file, 'utf8').matchAll(/^(?:import|export) [^;]*?from '(\.[^']+)';$/gms)) {
    reachable(join(dirname(file), path), seen);
  }
  return seen;
}

// tsgi/fetch runs where there is no node:http (Workers), so what it needs
// of the server layer is a chunk apart from the Node server.
const FETCH_SIDE = new Set([...reachable('dist/src/server/fetch.js')].filter((file) => file.startsWith('dist/src/server/')));
// Light subpaths (tsgi/server, tsgi/fetch, tsgi/body, …) load these layers:
// within them, a module that needs an npm package, or node:fs or node:zlib,
// goes to a chunk of its own, loaded only by the subpaths that use it.
const LIGHT_LAYERS = new Set(['gateway', 'server', 'body']);
const IMPORTS_PACKAGE = /^import .* from '(?!node:)[^.'][^']*';$/m;
const IMPORTS_FILES = /^import .* from 'node:(fs|fs\/promises|zlib)';$/m;

/** The chunk a module goes to: its layer (each middleware being one), or null to leave it to the bundler. */
function chunkOf(id) {
  const file = relative(process.cwd(), id);
  const match = /^dist\/src\/(.+)\.js$/.exec(file);
  // An entry stays in its own file: in a layer's chunk, it would bring what it alone imports to every user of the layer.
  if (match === null || ENTRIES.has(file)) return null;
  const onDemand = ON_DEMAND.exec(file);
  if (onDemand !== null) return onDemand[1];
  if (FETCH_SIDE.has(file)) return 'fetch';
  const parts = match[1].split('/');
  if (parts.length === 1) return null;
  const layer = parts[0] === 'middleware' ? `middleware-${parts[1]}` : parts[0];
  if (!LIGHT_LAYERS.has(layer)) return layer;
  const source = readFileSync(file, 'utf8');
  if (IMPORTS_PACKAGE.test(source)) return `${layer}-${parts.at(-1)}`;
  return IMPORTS_FILES.test(source) ? `${layer}-files` : layer;
}

await rm('dist/pkg', { recursive: true, force: true });
await build({
  input,
  platform: 'node',
  // Dependencies stay imports; the entries may export more than their source (chunk internals).
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
  preserveEntrySignatures: 'allow-extension',
  logLevel: 'warn',
  plugins: [
    {
      name: 'tsc-source-maps',
      load(id) {
        if (!id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
        return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
      },
    },
  ],
  output: {
    dir: 'dist/pkg',
    format: 'esm',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: chunkOf, debugName: 'layers' }] },
  },
});
