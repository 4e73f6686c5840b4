/**
 * Atom ids that never change for an entry.
 *
 * RFC 4287 §4.2.6 asks for an IRI that is universally unique and permanent:
 * the same when the blog moves to another host, scheme or mount point, or is
 * exported, so nothing from the request can be part of it. The blog gets a
 * random UUID once, stored beside the entries (`.blog-id`, whose leading dot
 * keeps it from ever being read as an entry), and that UUID is the feed's
 * `urn:uuid:` id. An entry's id is the name-based UUID (version 5, RFC 9562)
 * of its name in the blog's namespace, so it is stable across edits and
 * restarts and differs between blogs, with no per-entry metadata to store.
 * In this blog the name is the entry's identity (its URL is the name), so an
 * entry deleted and then written again under the same name is the same
 * resource again, and keeps its id; feed readers show it as updated.
 */
import { createHash } from 'node:crypto';

/** The `urn:uuid:` of a UUID string. */
export function uuidUrn(uuid: string): string {
  return `urn:uuid:${uuid}`;
}

// Feeds ask for the same ids again and again; a bounded memo saves the hashing.
const memo = new Map<string, string>();
const MEMO_SIZE = 10_000;

/** The version 5 UUID of `name` in the namespace `namespaceUuid` (RFC 9562 §5.5). */
export function uuidV5(namespaceUuid: string, name: string): string {
  const key = `${namespaceUuid}/${name}`;
  let uuid = memo.get(key);
  if (uuid === undefined) {
    uuid = computeUuidV5(namespaceUuid, name);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, uuid);
  }
  return uuid;
}

function computeUuidV5(namespaceUuid: string, name: string): string {
  const namespace = Buffer.from(namespaceUuid.replaceAll('-', ''), 'hex');
  if (namespace.length !== 16) throw new TypeError(`not a UUID: ${JSON.stringify(namespaceUuid)}`);
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
