/**
 * The help text of `tsgi`.
 *
 * @module
 */

/**
 * The help text.
 *
 * @example
 * ```ts
 * process.stdout.write(USAGE);
 * ```
 */
export const USAGE = `Usage: tsgi serve <module>[:<export>] [options]

Serves a tsgi app over HTTP. <module> is a .js file (relative to the current
directory) or a package specifier; a .ts file needs a TypeScript loader:
  node --import tsx ./node_modules/.bin/tsgi serve src/app.ts:site
<export> names the app: a function (environ, startResponse) or a BaseHandler
subclass. Without it the default export is served; a module with neither is
served in module-only mode, where the first path segment after the prefix
picks the export:
  tsgi serve dist/apps.js --prefix /test/foo   ->  /test/foo/simple_app

Options:
  --host <host>             interface to bind; '' or 0.0.0.0 for all (default 127.0.0.1)
  --port <port>             port to listen on, 0 for any free one (default 8080)
  --workers <n>             processes to serve with, via node:cluster (default 1)
  --watch                   development: restart the app when a file in its module's
                            directory (and below; not node_modules or dotfiles) changes,
                            on the same port; a load error is logged and the previous
                            version serves until the next save. Not with --workers
  --prefix </mount>         mount prefix: SCRIPT_NAME; other paths get 404 (default none)
  --trust-proxy <list>      believe X-Forwarded-For/-Proto/-Host/-Prefix from these
                            proxies: addresses, CIDR subnets, loopback, private,
                            comma-separated; or a number of hops (default: none)
  --allowed-hosts <list>    host names requests may name, comma-separated; *.example.com
                            for subdomains, * for any (default: the bound host, localhost,
                            127.0.0.1, [::1]); others get 400
  --access-log              log one line per request to stdout (Common Log Format + ms)
  --graceful-timeout <s>    seconds shutdown waits for requests in flight (default 10)
  --keep-alive-timeout <s>  seconds an idle keep-alive connection stays open (default 5)
  --headers-timeout <s>     seconds a client has to send the request head (default 30)
  --request-timeout <s>     seconds a client has to send the whole request (default 300)
  --body-timeout <s>        seconds a client may send no byte of a request body; then 408 (default 30)
  --send-timeout <s>        seconds a client may accept no byte of a response; then it is dropped (default 30)
  --max-pipelined <n>       pipelined requests waiting per connection before it is no longer read (default 16)
  --max-connections <n>     connections open at once; 0 for no cap (default 1024)
  --cert <file>, --key <file>
                            serve HTTPS with this PEM certificate and key
  --http2                   with --cert and --key: serve HTTP/2 to clients that offer it
                            (ALPN h2), HTTP/1.1 to the others, on the same port
  -h, --help                show this help
  -v, --version             show the version

SIGTERM or SIGINT stops accepting connections, lets requests in flight finish
(up to the graceful timeout) and exits 0; a second signal cuts them off.
`;
