// The fuzzer's corpus of valid requests to the examples site, and seeded
// mutations of them. Everything is a pure function of (seed, index), so one
// request of a run can be rebuilt from the two numbers alone.

/** A small, fast PRNG (mulberry32); `next()` is uniform in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

/** The seed of request `index` in the run seeded `seed`. */
export function requestSeed(seed, index) {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const multipart = (boundary) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nfuzz\r\n` +
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nhello fuzz\r\n` +
  `--${boundary}--\r\n`;

/**
 * Valid requests covering every example, as a browser or curl sends them.
 * `host` is the Host value; `auth` the Basic credentials of /private/.
 */
export function corpus(host, auth) {
  const basic = Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
  const withBody = (head, body) => `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const form = multipart('----fuzzboundary7MA4YWxk');
  return [
    `GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: fuzz\r\nAccept: text/html\r\n\r\n`,
    `GET /hello/ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    `HEAD /hello/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /hello/ HTTP/1.0\r\n\r\n`,
    `GET /session/ HTTP/1.1\r\nHost: ${host}\r\nCookie: tsgi_session=abc.def; other=1\r\n\r\n`,
    `GET /guess/ HTTP/1.1\r\nHost: ${host}\r\nAccept-Language: en\r\n\r\n`,
    withBody(`POST /guess/ HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nOrigin: http://${host}\r\nSec-Fetch-Site: same-origin\r\n`, 'myparam=50'),
    `POST /guess/ HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nmypar\r\n5\r\nam=42\r\n0\r\n\r\n`,
    `GET /upload/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    withBody(`POST /upload/ HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=----fuzzboundary7MA4YWxk\r\n`, form),
    `GET /blog/?type=atom HTTP/1.1\r\nHost: ${host}\r\nAccept: application/atom+xml\r\n\r\n`,
    `GET /blog/?offset=0&limit=5 HTTP/1.1\r\nHost: ${host}\r\nAccept: application/xml;q=0.9, */*;q=0.1\r\nIf-None-Match: W/"1.xhtml"\r\n\r\n`,
    `GET /blog/fuzz-entry HTTP/1.1\r\nHost: ${host}\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n`,
    withBody(`PUT /blog/fuzz-entry HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain; charset=utf-8\r\n`, 'A fuzzed entry.\nSecond line.\n'),
    withBody(`PUT /blog/fuzz-new HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain; charset=utf-8\r\nIf-None-Match: *\r\n`, 'caf\u00e9 entry'),
    `PUT /blog/fuzz-chunked HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n`,
    `DELETE /blog/fuzz-entry HTTP/1.1\r\nHost: ${host}\r\nIf-Match: "1.xhtml"\r\n\r\n`,
    `GET /blog/caf%C3%A9?type=xml HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /blog/_static/blog.css HTTP/1.1\r\nHost: ${host}\r\nIf-None-Match: "abc"\r\nRange: bytes=0-10\r\n\r\n`,
    `GET /private/ HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Basic ${basic}\r\n\r\n`,
    `OPTIONS * HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET /hello/ HTTP/1.1\r\nHost: ${host}\r\n\r\nGET /session/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    `GET http://${host}/blog/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
  ].map((text) => Buffer.from(text, 'utf8'));
}

const INTERESTING = [0x00, 0x0a, 0x0d, 0x20, 0x09, 0x3a, 0x25, 0x2f, 0x2e, 0x3f, 0x23, 0x22, 0x2c, 0x3b, 0x7f, 0x80, 0xc0, 0xff, 0xfe];
const BAD_UTF8 = ['\xc3', '\xc0\xaf', '\xed\xa0\x80', '\xf8\x88\x80\x80\x80', '\xff\xfe', '\xe2\x82'].map((s) => Buffer.from(s, 'latin1'));
const BAD_PERCENT = ['%', '%z', '%zz', '%0', '%00', '%c0%af', '%ff', '%2e%2e%2f', '%252e', '%%', '%u2215', '%e2%82'];
const VERSIONS = ['HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'HTTP/1', 'HTTP/1.1.1', 'http/1.1', 'HTTP/9.9', '', 'HTTP/1.01', 'HTTP/ 1.1'];
const METHODS = ['CONNECT', 'TRACE', 'get', 'PATCH', 'PROPFIND', 'G ET', 'GET\x00', 'X'.repeat(300), '', 'POST', 'PUT', 'DELETE', 'BREW', '\u00e9'];
const BAD_LENGTHS = ['-1', '1e3', '0x10', '99999999999999999999', '', ' 5', '5,5', '5, 6', '+5', '4294967296', '18446744073709551616', '0'];
const BAD_CHUNKS = ['ffffffffffffffff', '-1', '0x10', 'zz', '1;' + 'e'.repeat(5000), '', ' 5', '5 ', '100000000', '1\r\n', '0\n'];
const HOSTS = ['', 'evil.example', 'a, b', '127.0.0.1:99999', '127.0.0.1:', '[::1', 'user@127.0.0.1', 'x'.repeat(300), '127.0.0.1:80:80', '\u00e9.example'];

const headEnd = (buf) => {
  const at = buf.indexOf('\r\n\r\n');
  return at === -1 ? buf.length : at;
};
const splice = (buf, start, deleteCount, insert = Buffer.alloc(0)) =>
  Buffer.concat([buf.subarray(0, start), insert, buf.subarray(Math.min(buf.length, start + deleteCount))]);
const replaceText = (buf, pattern, replacement) => Buffer.from(buf.toString('latin1').replace(pattern, replacement), 'latin1');
const latin1 = (text) => Buffer.from(text, 'latin1');
const headerLines = (buf) => buf.subarray(0, headEnd(buf)).toString('latin1').split('\r\n');

// Each mutator takes (buffer, rng, corpus) and returns a new buffer.
const MUTATORS = {
  bitFlips(buf, r) {
    const out = Buffer.from(buf);
    const flips = 1 + r.int(8);
    for (let i = 0; i < flips; i += 1) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  // As zzuf -r 0.01 does: every bit flipped with probability 1%.
  ratioFlips(buf, r) {
    const out = Buffer.from(buf);
    for (let i = 0; i < out.length; i += 1) for (let bit = 0; bit < 8; bit += 1) if (r.chance(0.01 / 8)) out[i] ^= 1 << bit;
    return out;
  },
  insertBytes(buf, r) {
    const bytes = Buffer.from(Array.from({ length: 1 + r.int(8) }, () => (r.chance(0.5) ? r.pick(INTERESTING) : r.int(256))));
    return splice(buf, r.int(buf.length + 1), 0, bytes);
  },
  deleteBytes(buf, r) {
    return splice(buf, r.int(buf.length), 1 + r.int(16));
  },
  replaceByte(buf, r) {
    const out = Buffer.from(buf);
    out[r.int(out.length)] = r.pick(INTERESTING);
    return out;
  },
  truncate(buf, r) {
    return buf.subarray(0, r.int(buf.length));
  },
  duplicateHeader(buf, r) {
    const lines = headerLines(buf);
    if (lines.length < 2) return buf;
    const at = 1 + r.int(lines.length - 1);
    const copy = r.chance(0.5) ? lines[at] : lines[at].replace(/:.*/, `: ${r.pick(['1', '0', 'x', 'chunked', 'evil.example', ''])}`);
    lines.splice(at + 1, 0, copy);
    return Buffer.concat([latin1(lines.join('\r\n')), buf.subarray(headEnd(buf))]);
  },
  addHeader(buf, r) {
    const header = r.pick([
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip, chunked',
      'Transfer-Encoding: chunked, identity',
      'Transfer-Encoding:\tchunked',
      'Transfer-Encoding : chunked',
      `Content-Length: ${r.pick(BAD_LENGTHS)}`,
      'Content-Length: 5',
      'Content-Encoding: gzip',
      'Content-Encoding: br, zstd',
      `Host: ${r.pick(HOSTS)}`,
      'Expect: 100-continue',
      'Expect: nonsense',
      'Connection: upgrade\r\nUpgrade: websocket',
      'Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
      'X-Forwarded-For: 1.2.3.4, <script>',
      'X-Forwarded-Host: evil.example',
      `Cookie: ${'a'.repeat(r.int(9000))}=1`,
      'Cookie: tsgi_session=%zz; tsgi_session=',
      `Authorization: Basic ${r.pick(['', '!!!', 'Zm9v', Buffer.from('demo:').toString('base64'), 'x'.repeat(5000)])}`,
      `Authorization: ${r.pick(['Bearer', 'Basic', 'basic   ZGVtbzp0c2dpLWRlbW8=', '\u00e9'])}`,
      'Range: bytes=99999999-',
      'Range: bytes=5-1, 0-0, -0',
      `If-Match: ${r.pick(['*', '"', 'W/', '"a", W/"b"', ',,,', 'x'.repeat(1000)])}`,
      `If-None-Match: ${r.pick(['*', '"', 'W/"', '"a",'])}`,
      `If-Modified-Since: ${r.pick(['yesterday', 'Sat, 99 Foo 2000 99:99:99 GMT', ''])}`,
      `Accept: ${r.pick(['*/*;q=x', 'application/atom+xml;q=2', ';;;', 'text/html; charset="'])}`,
      `Content-Type: ${r.pick(['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="' + 'b'.repeat(300) + '"', 'application/x-www-form-urlencoded; charset=latin9', 'text/plain; charset=utf-16'])}`,
      `Origin: ${r.pick(['null', 'http://evil.example', '', 'http://127.0.0.1'])}`,
      `Sec-Fetch-Site: ${r.pick(['cross-site', 'same-site', 'none', 'bogus'])}`,
      ' obs-fold continuation',
      '\tX-Tab-Start: 1',
      'NoColon',
      ': empty-name',
      'Bad Name: 1',
      `X-Bad-Value: a\x00b`,
      `X-Utf8: ${r.pick(BAD_UTF8).toString('latin1')}`,
    ]);
    const lines = headerLines(buf);
    lines.splice(1 + r.int(Math.max(1, lines.length - 1)), 0, header);
    return Buffer.concat([latin1(lines.join('\r\n')), buf.subarray(headEnd(buf))]);
  },
  manyHeaders(buf, r) {
    const count = r.pick([100, 200, 1000, 5000]);
    const extra = Array.from({ length: count }, (_, i) => `X-H${i}: ${i}`).join('\r\n');
    return replaceText(buf, '\r\n', `\r\n${extra}\r\n`);
  },
  hugeValue(buf, r) {
    const size = r.pick([8 * 1024, 16 * 1024, 64 * 1024, 200 * 1024]);
    return replaceText(buf, '\r\n', `\r\nX-Huge: ${'v'.repeat(size)}\r\n`);
  },
  hugeTarget(buf, r) {
    const size = r.pick([2048, 8 * 1024, 16 * 1024, 100 * 1024]);
    return replaceText(buf, /^(\S+ )(\S*)/, (_, method, target) => `${method}${target}${target.includes('?') ? '&' : '?'}q=${'x'.repeat(size)}`);
  },
  crlf(buf, r) {
    switch (r.int(7)) {
      case 0:
        return replaceText(buf, /\r\n/g, '\n');
      case 1:
        return replaceText(buf, /\r\n/g, '\r');
      case 2:
        return Buffer.concat([latin1('\r\n'.repeat(1 + r.int(4))), buf]);
      case 3: {
        const at = r.int(headEnd(buf) + 1);
        return splice(buf, at, 0, latin1(r.pick(['\r', '\n', '\r\n', '\r\n\r\n', '\n\r'])));
      }
      case 4:
        return replaceText(buf, '\r\n\r\n', r.pick(['\r\n', '\n\n', '\r\n\r\r\n', '\r\n \r\n\r\n']));
      case 5:
        return replaceText(buf, /^(\S+) (\S+) (\S+)/, (_, m, t, v) => `${m}${r.pick(['  ', '\t', ' \r '])}${t}${r.pick([' ', '  ', '\t'])}${v}`);
      default:
        return replaceText(buf, /\r\n([A-Za-z-]+):/, (_, name) => `\r\n${name}${r.pick([' :', ':\r\n ', '\x00:', ''])}:`);
    }
  },
  badChunks(buf, r) {
    let text = buf.toString('latin1');
    const head = text.slice(0, headEnd(buf));
    if (!/transfer-encoding: chunked/i.test(head)) {
      text = text.replace(/Content-Length: \d+\r\n/i, '').replace('\r\n\r\n', '\r\nTransfer-Encoding: chunked\r\n\r\n');
      const at = text.indexOf('\r\n\r\n') + 4;
      const body = text.slice(at);
      text = `${text.slice(0, at)}${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    }
    const at = text.indexOf('\r\n\r\n') + 4;
    const body = text.slice(at);
    const mutated = r.pick([
      () => body.replace(/^[0-9a-f]+/i, r.pick(BAD_CHUNKS)),
      () => body.replace(/\r\n0\r\n\r\n$/, ''),
      () => body.replace(/\r\n/, '\n'),
      () => body.replace(/^([0-9a-f]+)/i, (size) => (parseInt(size, 16) + 1 + r.int(5)).toString(16)),
      () => `${body}garbage`,
      () => body.replace(/0\r\n\r\n$/, `0\r\n${'X-Trailer: 1\r\n'.repeat(r.pick([1, 100, 2000]))}\r\n`),
    ])();
    return latin1(text.slice(0, at) + mutated);
  },
  wrongLength(buf, r) {
    const text = buf.toString('latin1');
    if (/Content-Length: \d+/i.test(text)) {
      return latin1(text.replace(/Content-Length: (\d+)/i, (_, n) => `Content-Length: ${r.chance(0.5) ? Math.max(0, Number(n) + r.int(21) - 10) : r.pick(BAD_LENGTHS)}`));
    }
    return latin1(text.replace('\r\n\r\n', `\r\nContent-Length: ${r.pick(BAD_LENGTHS)}\r\n\r\n${'x'.repeat(r.int(20))}`));
  },
  lengthAndChunked(buf) {
    return replaceText(buf, '\r\n\r\n', '\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  },
  badPercent(buf, r) {
    return replaceText(buf, /^(\S+ \S*?)(\/|\?|$)/m, (_, before, after) => `${before}${r.pick(BAD_PERCENT)}${after}`);
  },
  badUtf8(buf, r) {
    const bad = r.pick(BAD_UTF8);
    const zone = r.int(3);
    if (zone === 0) {
      const space = buf.indexOf(0x20);
      return splice(buf, space + 2, 0, bad); // in the target
    }
    if (zone === 1) return splice(buf, buf.indexOf('\r\n') + 2 + r.int(Math.max(1, headEnd(buf) - buf.indexOf('\r\n') - 2)), 0, bad);
    const at = headEnd(buf) + 4;
    return at >= buf.length ? Buffer.concat([buf, bad]) : splice(buf, at + r.int(buf.length - at), 0, bad);
  },
  method(buf, r) {
    return replaceText(buf, /^\S*/, r.pick(METHODS));
  },
  version(buf, r) {
    return replaceText(buf, /^(\S+ \S+) ?(\S*)\r\n/, (_, start) => `${start}${r.chance(0.1) ? '' : ' '}${r.pick(VERSIONS)}\r\n`);
  },
  host(buf, r) {
    return r.chance(0.3) ? replaceText(buf, /\r\nHost:[^\r]*/i, '') : replaceText(buf, /\r\nHost:[^\r]*/i, `\r\nHost: ${r.pick(HOSTS)}`);
  },
  target(buf, r) {
    const target = r.pick(['*', '', '//', '/../../etc/passwd', '/blog/..%2f..%2fetc', '/blog/%2e%2e/', 'http://evil.example/', 'http:///', '/#frag', '/?a=%zz&b', '/blog/?type=atom&type=xml', '/\\..\\', '127.0.0.1:80', '/upload/x.meta.json', '/%00', '/blog/a+b', '/blog/' + 'e'.repeat(300), '/\u00e9']);
    return replaceText(buf, /^(\S+) \S+/, (_, method) => `${method} ${target}`);
  },
  splice(buf, r, all) {
    const other = r.pick(all);
    return Buffer.concat([buf.subarray(0, r.int(buf.length + 1)), other.subarray(r.int(other.length))]);
  },
  repeat(buf, r) {
    return Buffer.concat(Array.from({ length: 2 + r.int(30) }, () => buf));
  },
  random(buf, r) {
    return Buffer.from(Array.from({ length: 1 + r.int(512) }, () => r.int(256)));
  },
};

/** The mutator names, for the results. */
export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** Request `index` of the run seeded `seed`: a corpus entry under 1–3 mutations. */
export function fuzzCase(seed, index, all) {
  const r = prng(requestSeed(seed, index));
  const base = r.int(all.length);
  let buf = all[base];
  const steps = [];
  const count = 1 + (r.chance(0.6) ? 0 : r.int(3));
  for (let i = 0; i < count; i += 1) {
    const name = r.pick(MUTATOR_NAMES);
    steps.push(name);
    buf = MUTATORS[name](buf, r, all);
  }
  return { bytes: buf, base, steps };
}
