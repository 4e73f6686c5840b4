/**
 * The chat room: who is in it, and every message sent to all of them.
 */
import type { WebSocketConnection } from '../../src/gateway/index.js';

/** The longest message the room passes on, in characters. */
export const MAX_TEXT = 500;

/** What the room sends: a member's message, or a note that someone came or went. */
export type ChatEvent = { kind: 'message'; from: string; text: string } | { kind: 'joined' | 'left'; who: string; members: number } | { kind: 'welcome'; you: string };

/** A room of members, each a WebSocket, named guest-1, guest-2, … as they come. */
export class ChatRoom {
  readonly #members = new Map<WebSocketConnection, string>();
  #joined = 0;

  /** How many are in the room. */
  get size(): number {
    return this.#members.size;
  }

  /** Seats `socket`, reads its messages until it leaves, and tells everyone each one. */
  async host(socket: WebSocketConnection): Promise<void> {
    const name = `guest-${++this.#joined}`;
    this.#members.set(socket, name);
    await socket.send(JSON.stringify({ kind: 'welcome', you: name } satisfies ChatEvent));
    this.broadcast({ kind: 'joined', who: name, members: this.size });
    try {
      for await (const message of socket) {
        if (typeof message !== 'string') {
          await socket.close(1003, 'text messages only');
          break;
        }
        const text = message.trim().slice(0, MAX_TEXT);
        if (text !== '') this.broadcast({ kind: 'message', from: name, text });
      }
    } finally {
      this.#members.delete(socket);
      this.broadcast({ kind: 'left', who: name, members: this.size });
    }
  }

  /**
   * Sends `event` to every member without waiting for any: a member whose
   * queue is full (it stopped reading) is let go rather than slowing the rest.
   */
  broadcast(event: ChatEvent): void {
    const text = JSON.stringify(event);
    for (const member of this.#members.keys()) {
      member.send(text).catch(() => member.close(1013, 'too far behind').catch(() => undefined));
    }
  }
}
