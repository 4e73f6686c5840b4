/**
 * What the server keeps per connection for its limits: the pipelined
 * requests waiting, the response in flight, and why the client went away.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Limits } from './limits.js';

const STATE = Symbol('tsgi.connection');

interface Tracked extends Socket {
  [STATE]?: Connection;
}

/** The parts of Node's server state on a socket that pausing it must agree with. */
interface NodeFlags extends Socket {
  _paused?: boolean;
  parser?: NodeParser | null;
}

/**
 * Node's parser on a server socket. `duration` is the milliseconds since
 * the message began (0 between messages, counted from the connection's
 * start for its first), `headersCompleted` whether its head is complete;
 * Node's own head deadline reads the same two.
 */
interface NodeParser {
  resume(): void;
  duration?(): number;
  headersCompleted?(): boolean;
}

/**
 * What a connection asks of the response it is serving when the socket has
 * been idle for a whole timeout period.
 *
 * @example
 * ```ts
 * const user: ConnectionUser = { onIdle: () => 'idle', dropped: () => {} };
 * ```
 */
export interface ConnectionUser {
  /**
   * Judges an idle period: `'handled'` when it answered it (a 408 for a
   * stalled body), `'working'` when the app is still producing a response
   * and the client is not to blame, `'idle'` when nothing is in flight.
   */
  onIdle(): 'handled' | 'working' | 'idle';
  /** The connection is being dropped, or broke while sending, for {@link Connection.reason}. */
  dropped(): void;
}

/**
 * One client connection, as the limits see it.
 *
 * @example
 * ```ts
 * const connection = connectionOf(req.socket);
 * connection?.drop('send timeout');
 * ```
 */
export class Connection {
  /** The response being served (or the last one served), if any. */
  current: ConnectionUser | undefined = undefined;
  /** Why the client went away, once known: an error code or a timeout's name. */
  reason: string | undefined = undefined;
  /** Whether the log has its one line about this connection's client going away. */
  goneLogged = false;
  /** The pipelined requests' responses waiting for their turn on the socket. */
  readonly waiting = new Set<ServerResponse>();
  #paused = false;

  constructor(
    readonly socket: Socket,
    readonly limits: Limits,
  ) {}

  /** A pipelined request waits; with too many waiting, the socket is no longer read. */
  hold(res: ServerResponse): void {
    this.waiting.add(res);
    if (this.waiting.size < this.limits.maxPipelined) return;
    // Node's server resumes the socket after every request it parses unless
    // `_paused` is set, its own flag for a client whose responses back up;
    // with it, Node also stops parsing what was already read.
    const socket = this.socket as NodeFlags;
    if (socket._paused === true) return;
    socket._paused = true;
    this.#paused = true;
    socket.pause();
  }

  /** A waiting request's turn came; below the bound, reading resumes. */
  release(res: ServerResponse): void {
    this.waiting.delete(res);
    if (!this.#paused || this.waiting.size >= this.limits.maxPipelined) return;
    this.#paused = false;
    const socket = this.socket as NodeFlags;
    // Node may have resumed it already, once the responses drained.
    if (socket._paused !== true) return;
    socket._paused = false;
    socket.parser?.resume();
    socket.resume();
  }

  /**
   * Whether part of a request head has arrived and the rest has not: the
   * phase that the head deadline, not the idle timer, judges.
   */
  headArriving(): boolean {
    const parser = (this.socket as NodeFlags).parser;
    if (parser == null || parser.duration === undefined || parser.headersCompleted === undefined) return false;
    // A connection that sent nothing yet has no head in progress, only silence.
    return this.socket.bytesRead > 0 && parser.duration() > 0 && !parser.headersCompleted();
  }

  /** Destroys the connection for `reason`, which the abort log line names. */
  drop(reason: string): void {
    this.reason ??= reason;
    this.current?.dropped();
    this.socket.destroy();
  }
}

/**
 * Starts keeping state for a new connection.
 *
 * @example
 * ```ts
 * server.on('connection', (socket) => trackConnection(socket, limits));
 * ```
 */
export function trackConnection(socket: Socket, limits: Limits): void {
  (socket as Tracked)[STATE] = new Connection(socket, limits);
  socket.on('error', noteError);
  // Until its first response is out, a connection has its own idle timer,
  // so that one that never sends a request is closed (without a word, as
  // nothing was asked); after that Node's keep-alive timer takes over.
  const idle = limits.sendTimeout > 0 ? limits.sendTimeout : limits.bodyTimeout;
  if (idle > 0) socket.setTimeout(idle);
}

/**
 * The state of a connection the server tracks; `undefined` for sockets it
 * does not (an app mounted in another framework).
 *
 * @example
 * ```ts
 * connectionOf(req.socket)?.reason; // 'ECONNRESET'
 * ```
 */
export function connectionOf(socket: Socket): Connection | undefined {
  return (socket as Tracked)[STATE];
}

function noteError(this: Socket, error: NodeJS.ErrnoException): void {
  const connection = (this as Tracked)[STATE];
  if (connection === undefined) return;
  connection.reason ??= error.code ?? error.message;
  // Bytes still waiting (or a write that failed, once they are no longer
  // counted) belong to the response being served. Its app may be done with
  // it (a body handed over whole to a client that does not read), and then
  // nothing else would tell it that its client left.
  if (this.writableLength > 0 || error.syscall === 'write') connection.current?.dropped();
}
