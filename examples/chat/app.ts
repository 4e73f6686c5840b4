/**
 * A chat room over WebSocket: `/` is the page, `/socket` the room's
 * WebSocket, where every message a member sends goes to every member.
 */
import { HttpError, type AppClass } from '../../src/gateway/index.js';
import { BaseHandler } from '../../src/handler/index.js';
import { renderChatPage } from './page.js';
import { ChatRoom } from './room.js';

/** The chat app for `room` (a fresh one by default). */
export function chatApp(room: ChatRoom = new ChatRoom()): AppClass {
  return class Chat extends BaseHandler {
    doGET(): string {
      const path = this.pathInfo;
      if (path === '' || path === '/') return renderChatPage(`${this.environ.SCRIPT_NAME}/socket`);
      if (path === '/socket') throw new HttpError(400, 'the room is a WebSocket: the page at ./ opens it with new WebSocket()');
      throw new HttpError(404, `Nothing here: ${path.slice(0, 200)}`);
    }

    async doWEBSOCKET(): Promise<void> {
      if (this.pathInfo !== '/socket') throw new HttpError(404, `No room here: ${this.pathInfo.slice(0, 200)}`);
      const socket = await this.acceptWebSocket();
      // The room reads the member for as long as it stays; the response is done.
      void room.host(socket).catch((error: unknown) => this.environ['tsgi.errors'].write(`chat: ${String(error)}\n`));
    }
  };
}
