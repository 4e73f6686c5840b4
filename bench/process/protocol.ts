/**
 * The IPC messages every bench child understands. Children exit through
 * `process.exit()` on shutdown rather than dying to a signal, because only a
 * normal exit makes `node --cpu-prof` write its profile.
 *
 * @module
 */

/**
 * Asks a child to exit now.
 *
 * @example
 * ```ts
 * child.send({ type: 'shutdown' } satisfies ShutdownMessage);
 * ```
 */
export interface ShutdownMessage {
  type: 'shutdown';
}

/**
 * Whether `message` is an object whose `type` is `type`: the narrowing every
 * IPC receiver needs, since IPC payloads arrive untyped.
 *
 * @example
 * ```ts
 * process.on('message', (m) => { if (hasType(m, 'shutdown')) process.exit(0); });
 * ```
 */
export function hasType<T extends string>(message: unknown, type: T): message is { type: T } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * Makes the current child exit cleanly when its parent asks, sends SIGTERM or
 * SIGINT, or disappears (the IPC channel closes), so no child outlives a
 * crashed parent and profiles are always flushed.
 *
 * @example
 * ```ts
 * exitWithParent();
 * ```
 */
export function exitWithParent(): void {
  const exit = (): never => process.exit(0);
  process.on('message', (message) => {
    if (hasType(message, 'shutdown')) exit();
  });
  process.on('disconnect', exit);
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
}
