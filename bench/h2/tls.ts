/**
 * The certificate the HTTP/2 bench servers present: the self-signed one for
 * 127.0.0.1 that the tests use, since the load generator does not verify it.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The address the HTTP/2 bench servers listen on, the one the certificate names. */
export const H2_BENCH_HOST = '127.0.0.1';

/** The repository root, found upward from this file (it runs from `dist/bench/h2/` and from `bench/h2/`). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench/h2: no package.json above this file');
    dir = parent;
  }
  return dir;
}

const FIXTURES = join(repoRoot(), 'test', 'cli', 'fixtures');

/** The certificate file, for clients that trust it. */
export const BENCH_CERT_FILE = join(FIXTURES, 'tls-cert.pem');

/** The certificate and key, read when a server starts. */
export function benchTls(): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(BENCH_CERT_FILE), key: readFileSync(join(FIXTURES, 'tls-key.pem')) };
}
