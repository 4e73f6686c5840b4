/**
 * Paths: traversal in every encoding towards the canary files planted
 * beside the blog's static folder (see support/site-process.ts) and out of
 * the blog's entry directory, long paths, invalid UTF-8, `//` and `/./`.
 * The runner fails any case whose answer holds a canary's text.
 */
import { get, http, HOST, type HostileCase } from './types.js';

const BAD = 'Bad Request';
const DOT_SEGMENT = 'the path contains a "." or ".." segment';
const PERCENT = 'malformed percent-encoding in the path';
const NO_ENTRY = 'Invalid entry name';

const refusedPath = (name: string, target: string, status: number, body: string): HostileCase => ({
  name,
  category: 'paths',
  send: get(target),
  expect: [{ status, body }],
});

export const paths: readonly HostileCase[] = [
  // The blog's static files: the canary sits one level above _static/.
  refusedPath('static: ../', '/blog/_static/../canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: ../../', '/blog/_static/../../canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: ../../../', '/blog/_static/../../../canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: %2e%2e/', '/blog/_static/%2e%2e/canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: %2E%2E/ upper case', '/blog/_static/%2E%2E/canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: .%2e/', '/blog/_static/.%2e/canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: %2e%2e%2f', '/blog/_static/%2e%2e%2fcanary.txt', 400, DOT_SEGMENT),
  refusedPath('static: ..%2f', '/blog/_static/..%2fcanary.txt', 400, DOT_SEGMENT),
  refusedPath('static: ..%5c', '/blog/_static/..%5ccanary.txt', 400, 'backslash'),
  refusedPath('static: a raw backslash', '/blog/_static/..\\canary.txt', 400, 'backslash'),
  refusedPath('static: %5c..%5c', '/blog/_static/%5c..%5ccanary.txt', 400, 'backslash'),
  refusedPath('static: double-encoded %252e%252e/', '/blog/_static/%252e%252e/canary.txt', 404, 'Not Found'),
  refusedPath('static: double-encoded %252e%252e%252f', '/blog/_static/%252e%252e%252fcanary.txt', 404, 'Not Found'),
  refusedPath('static: overlong UTF-8 %c0%ae%c0%ae/', '/blog/_static/%c0%ae%c0%ae/canary.txt', 400, PERCENT),
  refusedPath('static: overlong UTF-8 %c0%af as /', '/blog/_static/..%c0%afcanary.txt', 400, PERCENT),
  refusedPath('static: overlong UTF-8 %e0%80%ae', '/blog/_static/%e0%80%ae%e0%80%ae/canary.txt', 400, PERCENT),
  refusedPath('static: %00 after the file name', '/blog/_static/blog.css%00', 400, 'NUL byte'),
  refusedPath('static: %00 before an extension', '/blog/_static/../canary.txt%00.css', 400, BAD),
  refusedPath('static: /./', '/blog/_static/./blog.css', 400, DOT_SEGMENT),
  refusedPath('static: //', '/blog/_static//blog.css', 404, 'Not Found'),
  refusedPath('static: // towards the root', '/blog/_static//etc/passwd', 404, 'Not Found'),
  refusedPath('static: the sibling folder sharing the prefix', '/blog/_static/../static-canary/canary.txt', 400, DOT_SEGMENT),
  refusedPath('static: an absolute path in a segment (%2f)', '/blog/_static/%2fetc%2fpasswd', 404, 'Not Found'),
  refusedPath('static: a trailing dot on the file', '/blog/_static/blog.css.', 404, 'Not Found'),
  refusedPath('static: a trailing slash on the file', '/blog/_static/blog.css/', 404, 'Not Found'),
  refusedPath('static: a dot file', '/blog/_static/.htaccess', 404, 'Not Found'),
  refusedPath('static: invalid UTF-8 (%ff)', '/blog/_static/%ff', 400, PERCENT),
  refusedPath('static: a truncated escape', '/blog/_static/%e', 400, PERCENT),
  refusedPath('static: a non-hex escape', '/blog/_static/%zz', 400, PERCENT),
  refusedPath('.. at the root, past every mount', '/../../../../etc/passwd', 404, 'Nothing here'),
  refusedPath('%2e%2e at the root, past every mount', '/%2e%2e/%2e%2e/etc/passwd', 404, 'Nothing here'),
  {
    name: 'static: the real stylesheet still serves (control)',
    category: 'paths',
    send: get('/blog/_static/blog.css'),
    expect: [{ status: 200, body: 'stylesheet', headers: { 'content-type': 'text/css; charset=utf-8' } }],
  },
  // The blog's entries: names that would leave the entry directory.
  refusedPath('blog entry: ..%2f', '/blog/..%2fcanary', 400, NO_ENTRY),
  refusedPath('blog entry: %2e%2e%2f..%2f', '/blog/%2e%2e%2f..%2fcanary', 400, NO_ENTRY),
  refusedPath('blog entry: a leading dot (hidden file)', '/blog/.blog-id', 400, NO_ENTRY),
  refusedPath('blog entry: the id file, percent-encoded', '/blog/%2eblog-id', 400, NO_ENTRY),
  refusedPath('blog entry: %5c', '/blog/..%5ccanary', 400, NO_ENTRY),
  refusedPath('blog entry: %00', '/blog/a%00b', 400, NO_ENTRY),
  refusedPath('blog entry: %252e%252e (decoded once)', '/blog/%252e%252e', 400, NO_ENTRY),
  refusedPath('blog entry: invalid UTF-8', '/blog/%ff%fe', 400, PERCENT),
  refusedPath('blog entry: a lone surrogate, CESU-encoded', '/blog/%ed%a0%80', 400, PERCENT),
  refusedPath('blog entry: a name over 200 bytes', `/blog/${'a'.repeat(300)}`, 400, 'longer than 200 bytes'),
  refusedPath('blog entry: a control character', '/blog/a%01b', 400, NO_ENTRY),
  {
    name: 'blog entry: PUT ../ outside the entry directory writes nothing',
    category: 'paths',
    send: http(['PUT /blog/..%2f..%2fcanary HTTP/1.1', HOST, 'Content-Length: 5', 'Connection: close'], 'owned'),
    expect: [{ status: 400, body: NO_ENTRY }],
    check: async (_result, { site }) => {
      const { readFile } = await import('node:fs/promises');
      if (!(await readFile(`${site.data.root}/canary.txt`, 'utf8')).startsWith('canary-')) throw new Error('the canary was overwritten');
    },
  },
  {
    name: 'blog entry: DELETE of the id file',
    category: 'paths',
    send: http(['DELETE /blog/.blog-id HTTP/1.1', HOST, 'Connection: close']),
    expect: [{ status: 400, body: NO_ENTRY }],
  },
  {
    name: 'blog entry: PUT under the static prefix',
    category: 'paths',
    send: http(['PUT /blog/_static/blog.css HTTP/1.1', HOST, 'Content-Length: 5', 'Connection: close'], 'owned'),
    expect: [{ status: 405 }],
  },
  // Long paths: the server's limit, or a plain 404, never a 5xx.
  refusedPath('a 15 KB path', `/${'a/'.repeat(7_500)}`, 404, 'Nothing here'),
  { name: 'a 20 KB path', category: 'paths', send: get(`/${'a'.repeat(20_000)}`), expect: [{ status: 414, body: 'URI Too Long' }], closes: true },
  refusedPath('a 10 KB query', `/hello/?${'q=1&'.repeat(2_500)}`, 200, 'Hello world!'),
  refusedPath('a path of 3 000 percent-escapes', `/upload/${'%41'.repeat(3_000)}`, 404, 'Nothing here'),
  refusedPath('invalid UTF-8 in a query the upload page does not read', '/upload/?x=%ff', 200, 'Upload a file'),
  refusedPath('a raw byte above 0x7f in the path', '/blog/\xff', 400, BAD),
  // Normalisation: no rewriting that could reach another mount.
  refusedPath('// before a mount', '//blog/', 404, 'Nothing here'),
  refusedPath('/./ before a mount', '/./blog/', 404, 'Nothing here'),
  refusedPath('a mount prefix as a segment prefix', '/blogx/', 404, 'Nothing here'),
  // PATH_INFO is decoded once, so %2f is a separator, as in WSGI: the
  // stylesheet, and nothing outside its folder.
  refusedPath('a mount reached with %2f', '/blog%2f_static%2fblog.css', 200, 'stylesheet'),
  refusedPath('an encoded mount prefix', '/%62log/', 200, 'tsgi blog'),
  refusedPath('.. below the session page', '/session/../private/', 404, 'Not Found: /../private/'),
];
