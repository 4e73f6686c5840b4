/**
 * What a server child tells the bench once it listens.
 *
 * @module
 */
import { hasType } from '../process/protocol.js';

/**
 * Sent once by a server child when it accepts connections.
 *
 * @example
 * ```ts
 * process.send?.({ type: 'ready', port: 41234, cpus: '0' } satisfies ReadyMessage);
 * ```
 */
export interface ReadyMessage {
  type: 'ready';
  /** The ephemeral port it listens on, on 127.0.0.1. */
  port: number;
  /** The CPUs it may run on, as the kernel reports them. */
  cpus: string;
}

/**
 * Narrows an IPC message to a {@link ReadyMessage}.
 *
 * @example
 * ```ts
 * const ready = await child.waitFor(isReadyMessage, 10_000);
 * ```
 */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return hasType(message, 'ready') && typeof (message as { port?: unknown }).port === 'number';
}
