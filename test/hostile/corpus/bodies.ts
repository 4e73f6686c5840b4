/**
 * Bodies: oversize, malformed, mis-encoded and mis-coded bodies to the
 * blog, the guessing game and the upload page. Nothing may be stored:
 * no entry, no upload, no upload description.
 */
import { CLOSE, HOST, http, multipart, upload, withBody, type HostileCase } from './types.js';

const FORM = 'Content-Type: application/x-www-form-urlencoded';
const MiB = 1024 * 1024;
const chunk = (data: string): string => `${Buffer.byteLength(data, 'latin1').toString(16)}\r\n${data}\r\n`;
const file = (content: string, filename = 'a.txt') => ({ name: 'file', filename, content });

export const bodies: readonly HostileCase[] = [
  // Oversize: refused by the declared length, before the bytes come.
  { name: 'a blog entry declared over 1 MiB', category: 'bodies', send: http(['PUT /blog/big HTTP/1.1', HOST, 'Content-Length: 2000000', CLOSE], 'a'.repeat(1000)), expect: [{ status: 413, body: 'exceeds the limit of 1048576 bytes' }] },
  {
    name: 'a chunked blog entry growing past 1 MiB',
    category: 'bodies',
    send: [http(['PUT /blog/big-chunked HTTP/1.1', HOST, 'Transfer-Encoding: chunked', CLOSE]), ...Array.from({ length: 9 }, () => `20000\r\n${'a'.repeat(0x20000)}\r\n`), '0\r\n\r\n'],
    expect: [{ status: 413, body: 'limit' }],
  },
  { name: 'a form declared over 1 MiB', category: 'bodies', send: http(['POST /guess/ HTTP/1.1', HOST, FORM, 'Content-Length: 2000000', CLOSE], 'myparam=5'), expect: [{ status: 413, body: 'exceeds the limit' }] },
  { name: 'an upload declared over the 20 MiB limit', category: 'bodies', send: http(['POST /upload/ HTTP/1.1', HOST, 'Content-Type: multipart/form-data; boundary=XX', 'Content-Length: 30000000', CLOSE], '--XX\r\n'), expect: [{ status: 413, body: 'exceeds the limit' }] },
  {
    name: 'Expect: 100-continue with an upload over the limit: 413, no 100',
    category: 'bodies',
    send: http(['POST /upload/ HTTP/1.1', HOST, 'Content-Type: multipart/form-data; boundary=XX', 'Content-Length: 30000000', 'Expect: 100-continue', CLOSE]),
    expect: [{ status: 413, body: 'exceeds the limit' }],
    check: (result) => {
      if (result.interim.length !== 0) throw new Error('100 Continue sent for a refused upload');
    },
  },
  {
    name: 'Expect: 100-continue with a blog entry over the limit: 413, no 100',
    category: 'bodies',
    send: http(['PUT /blog/expect-big HTTP/1.1', HOST, 'Content-Length: 5000000', 'Expect: 100-continue', CLOSE]),
    expect: [{ status: 413 }],
    check: (result) => {
      if (result.interim.length !== 0) throw new Error('100 Continue sent for a refused entry');
    },
  },
  {
    name: 'Expect: 100-continue with a cross-origin upload: 403, no 100',
    category: 'bodies',
    send: http(['POST /upload/ HTTP/1.1', HOST, 'Origin: http://evil.example', 'Content-Type: multipart/form-data; boundary=XX', 'Content-Length: 1000', 'Expect: 100-continue', CLOSE]),
    expect: [{ status: 403, body: 'cross-origin POST refused' }],
    check: (result) => {
      if (result.interim.length !== 0) throw new Error('100 Continue sent for a refused upload');
    },
  },
  {
    name: 'a file over the 20 MiB limit, streamed with chunks',
    category: 'bodies',
    send: [
      http(['POST /upload/ HTTP/1.1', HOST, 'Content-Type: multipart/form-data; boundary=XX', 'Transfer-Encoding: chunked', CLOSE]),
      chunk('--XX\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
      ...Array.from({ length: 22 }, () => `100000\r\n${'x'.repeat(MiB)}\r\n`),
      '0\r\n\r\n',
    ],
    timeoutMs: 8_000,
    expect: [{ status: 413, body: 'limit' }],
  },
  // Forms.
  { name: 'a raw invalid UTF-8 form field', category: 'bodies', send: withBody('POST', '/guess/', [FORM], 'myparam=\xff'), expect: [{ status: 400, body: 'field "myparam" is not valid UTF-8' }] },
  { name: 'an escaped invalid UTF-8 form field', category: 'bodies', send: withBody('POST', '/guess/', [FORM], 'myparam=%c3%28'), expect: [{ status: 400, body: 'field "myparam" is not valid UTF-8' }] },
  { name: 'an overlong UTF-8 form field', category: 'bodies', send: withBody('POST', '/guess/', [FORM], 'myparam=%c0%b5'), expect: [{ status: 400, body: 'is not valid UTF-8' }] },
  { name: 'an invalid UTF-8 field name', category: 'bodies', send: withBody('POST', '/guess/', [FORM], '%ff=1'), expect: [{ status: 400, body: 'not valid UTF-8' }] },
  { name: 'a malformed escape in a form', category: 'bodies', send: withBody('POST', '/guess/', [FORM], 'myparam=%zz'), expect: [{ status: 400, body: 'percent' }] },
  { name: 'prototype pollution in a form', category: 'bodies', send: withBody('POST', '/guess/', [FORM], '__proto__[x]=1&constructor.prototype.x=1&myparam=50'), expect: [{ status: 200, body: 'Try again' }] },
  { name: 'ten thousand form fields', category: 'bodies', send: withBody('POST', '/guess/', [FORM], 'a=1&'.repeat(10_000)), expect: [{ status: 413 }] },
  { name: 'a form in a charset other than UTF-8', category: 'bodies', send: withBody('POST', '/guess/', ['Content-Type: application/x-www-form-urlencoded; charset=utf-16'], 'myparam=5'), expect: [{ status: 415 }] },
  { name: 'JSON where a form is expected', category: 'bodies', send: withBody('POST', '/guess/', ['Content-Type: application/json'], '{"myparam":'), expect: [{ status: 415, body: 'application/json' }] },
  { name: 'a form without a Content-Type', category: 'bodies', send: withBody('POST', '/guess/', [], 'myparam=5'), expect: [{ status: 415 }] },
  { name: 'a gzip-coded form (no decoder)', category: 'bodies', send: withBody('POST', '/guess/', [FORM, 'Content-Encoding: gzip'], 'myparam=5'), expect: [{ status: 415, body: 'encoded with "gzip" are not accepted', headers: { 'accept-encoding': 'identity' } }] },
  { name: 'a br-coded blog entry (no decoder)', category: 'bodies', send: withBody('PUT', '/blog/br-entry', ['Content-Encoding: br'], 'abc'), expect: [{ status: 415, body: '"br"' }] },
  { name: 'a gzip-coded blog entry (no decoder)', category: 'bodies', send: withBody('PUT', '/blog/gz-entry', ['Content-Encoding: gzip'], '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03'), expect: [{ status: 415, body: 'gzip' }] },
  { name: 'an unknown content coding on an upload', category: 'bodies', send: upload(multipart([file('x')]), undefined, ['Content-Encoding: x-evil']), expect: [{ status: 415, body: 'x-evil' }] },
  { name: 'a blog entry that is not UTF-8', category: 'bodies', send: withBody('PUT', '/blog/binary', [], '\xff\xfe\xfd'), expect: [{ status: 400, body: 'Entry text must be UTF-8' }] },
  { name: 'a blog entry with control characters', category: 'bodies', send: withBody('PUT', '/blog/control', [], 'a\x01b\x1bc'), expect: [{ status: 400, body: 'control characters' }] },
  { name: 'a blog entry with a NUL', category: 'bodies', send: withBody('PUT', '/blog/nul', [], 'a\x00b'), expect: [{ status: 400, body: 'control characters' }] },
  { name: 'an empty blog entry', category: 'bodies', send: withBody('PUT', '/blog/empty', [], ''), expect: [{ status: 411, body: 'Missing content' }] },
  { name: 'a blog entry with a bad ?type=', category: 'bodies', send: withBody('PUT', '/blog/typed?type=exe', [], 'abc'), expect: [{ status: 400 }] },
  // Multipart.
  { name: 'multipart without a boundary', category: 'bodies', send: upload('hello', 'multipart/form-data'), expect: [{ status: 400, body: 'has no boundary' }] },
  { name: 'multipart with an empty boundary', category: 'bodies', send: upload('--\r\n', 'multipart/form-data; boundary='), expect: [{ status: 400, body: 'boundary' }] },
  { name: 'multipart with a 200-character boundary', category: 'bodies', send: upload(multipart([file('x')], 'b'.repeat(200)), `multipart/form-data; boundary=${'b'.repeat(200)}`), expect: [{ status: 400, body: 'boundary' }] },
  { name: 'multipart truncated inside a file', category: 'bodies', send: upload('--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhel'), expect: [{ status: 400, body: 'ended before the closing boundary' }] },
  { name: 'multipart truncated inside part headers', category: 'bodies', send: upload('--XX\r\nContent-Disposition: form-data; name="fi'), expect: [{ status: 400, body: 'Malformed multipart' }] },
  { name: 'multipart with a body that never opens', category: 'bodies', send: upload('just text, no boundary at all\r\n'), expect: [{ status: 400, body: 'Malformed multipart' }] },
  { name: 'multipart with a different boundary than declared', category: 'bodies', send: upload(multipart([file('x')], 'YY')), expect: [{ status: 400, body: 'Malformed multipart' }] },
  {
    name: 'multipart part-header bomb (one part, 20 KB of headers)',
    category: 'bodies',
    send: upload(`--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n${Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(40)}\r\n`).join('')}\r\nhello\r\n--XX--\r\n`),
    expect: [{ status: 400 }],
  },
  { name: 'five thousand parts', category: 'bodies', send: upload(multipart(Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, content: 'x' })))), expect: [{ status: 413 }] },
  { name: 'two files where one is allowed', category: 'bodies', send: upload(multipart([file('one', 'one.txt'), file('two', 'two.txt')])), expect: [{ status: 413 }] },
  { name: 'a text field over 1 KB', category: 'bodies', send: upload(multipart([{ name: 'note', content: 'n'.repeat(5000) }, file('x')])), expect: [{ status: 413 }] },
  { name: 'an invalid UTF-8 text field', category: 'bodies', send: upload(multipart([{ name: 'note', content: '\xff\xfe' }, file('hello', 'b.txt')])), expect: [{ status: 400, body: 'field &quot;note&quot; is not valid UTF-8' }] },
  { name: 'an invalid UTF-8 file name', category: 'bodies', send: upload(multipart([file('hello', '\xff.txt')])), expect: [{ status: 400, body: 'not valid UTF-8' }] },
  { name: 'an invalid UTF-8 multipart field name', category: 'bodies', send: upload(multipart([{ name: '\xff', content: 'x' }, file('hello')])), expect: [{ status: 400, body: 'not valid UTF-8' }] },
  { name: 'a form without the file', category: 'bodies', send: upload(multipart([{ name: 'note', content: 'hi' }])), expect: [{ status: 400, body: 'Choose a file to upload.' }] },
  {
    name: 'a file name with ../ is stored under a safe name (control)',
    category: 'bodies',
    send: upload(multipart([file('safe', '../../canary.txt')])),
    expect: [{ status: 303, headers: { location: '/upload/' } }],
    writes: { uploads: [/^[^/]+$/, /^\.meta\/([^/]+\.json)?$/] },
    check: async (_result, { site }) => {
      const { readdir, readFile } = await import('node:fs/promises');
      if (!(await readFile(`${site.data.root}/canary.txt`, 'utf8')).startsWith('canary-')) throw new Error('the canary was overwritten');
      for (const name of await readdir(site.data.uploads)) if (name.includes('..') || name.includes('\0')) throw new Error(`unsafe stored name ${name}`);
    },
  },
  { name: 'a NUL in a file name', category: 'bodies', send: upload(multipart([file('x', 'a\x00.png')])), expect: [{ status: 400, body: 'malformed header' }] },
  { name: 'a CR LF pair inside a quoted file name', category: 'bodies', send: upload(multipart([file('x', 'a\r\nX-Injected: 1')])), expect: [{ status: 400 }] },
  {
    name: 'a file named like an upload description',
    category: 'bodies',
    send: upload(multipart([file('{"filename":"forged"}', 'x.meta.json')])),
    expect: [{ status: 303 }],
    writes: { uploads: [/^[^/]+$/, /^\.meta\/([^/]+\.json)?$/] },
  },
  { name: 'a multipart body gzip-coded (no decoder)', category: 'bodies', send: upload(multipart([file('x')]), undefined, ['Content-Encoding: gzip']), expect: [{ status: 415, body: 'gzip' }] },
  { name: 'a multipart upload with a Content-Type other than form-data', category: 'bodies', send: upload(multipart([file('x')]), 'multipart/mixed; boundary=XX'), expect: [{ status: 415 }] },
  {
    name: 'a body on GET is read past, not run as a request',
    category: 'bodies',
    send: http(['GET /hello/ HTTP/1.1', HOST, 'Content-Length: 38', CLOSE], 'DELETE /blog/x HTTP/1.1\r\nHost: x\r\n\r\n\r\n'),
    expect: [{ status: 200, body: 'Hello world!' }],
  },
];
