/**
 * The test client: drive any app in process, through the gateway's own rules
 * and (by default) the validator, with no socket.
 *
 * @module tsgi/testing
 */
export { TestClient, type TestClientOptions } from './client.js';
export { TestResponse, type TestResponseInit } from './response.js';
export { TestWebSocket, TestWebSocketRefused, type TestWebSocketOptions } from './websocket.js';
export { CookieJar, type Cookie, type CookieOptions } from './cookies.js';
export {
  TestClientError,
  type FormFields,
  type FormValue,
  type RequestBody,
  type RequestHeaders,
  type RequestOptions,
} from './request.js';
