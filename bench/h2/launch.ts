/**
 * The HTTP/2 bench's server children: started pinned to the server core,
 * listening on TLS, launched and stopped as every bench child is
 * (`launchChild` in ../launch.ts).
 *
 * @module
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChild, type LaunchedChild } from '../launch.js';

/** The server children, by file name under `h2/servers/`. */
export type H2ServerId = 'bare' | 'tsgi';

/** A listening server child. */
export interface H2Server extends LaunchedChild {
  id: H2ServerId;
}

/** Starts a server child on the server core, its stderr to a file in `logDir`, and waits for its port. */
export async function startH2Server(id: H2ServerId, logDir: string): Promise<H2Server> {
  const script = fileURLToPath(new URL(`./servers/${id}.js`, import.meta.url));
  return { id, ...(await launchChild([script], join(logDir, `h2-${id}.log`), `h2 ${id}`)) };
}
