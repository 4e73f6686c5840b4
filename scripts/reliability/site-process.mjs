// The examples site as `npm start` runs it (node dist/examples/index.js),
// started as a child process on 127.0.0.1 with an ephemeral port, for the
// soak and fuzz scripts. Shared by both so that they drive the same thing.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const ENTRY = join(ROOT, 'dist/examples/index.js');

/** Whether `taskset` can pin processes here. */
export const canPin = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pins this process (all its threads) to `cpu`, when taskset exists. */
export function pinSelf(cpu) {
  if (!canPin) return false;
  execFileSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
  return true;
}

/**
 * Starts the site with its data in a fresh temp directory. Resolves once it
 * prints its startup line, with the URL it reports.
 */
export async function startSite({ cpu, env: extra = {}, demo = { user: 'soak', password: 'soak-password-1' } } = {}) {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tsgi-reliability-'));
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    ALLOWED_HOSTS: '127.0.0.1,localhost',
    SESSION_SECRET: randomBytes(36).toString('base64url'),
    BLOG_DIR: join(dataDir, 'blog'),
    UPLOAD_DIR: join(dataDir, 'uploads'),
    SESSION_DIR: join(dataDir, 'sessions'),
    DEMO_USER: demo.user,
    DEMO_PASS: demo.password,
    NODE_ENV: 'production',
    ...extra,
  };
  const command = canPin && cpu !== undefined ? ['taskset', ['-c', String(cpu), process.execPath, ENTRY]] : [process.execPath, [ENTRY]];
  const child = spawn(command[0], command[1], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { lines: 0, tail: [], first: [] };
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  void exited.then((value) => {
    exit = value;
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the site did not start within 30 s; log: ${log.tail.join('\n')}`)), 30_000);
    const onLine = (line) => {
      log.lines += 1;
      if (log.first.length < 50) log.first.push(line);
      log.tail.push(line);
      if (log.tail.length > 200) log.tail.shift();
      const match = /serving .* on (http:\/\/\S+?)\/? \(/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (text) => {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) onLine(line);
      });
    }
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the site exited before starting (code ${code}, signal ${signal}); log: ${log.tail.join('\n')}`));
    });
  });
  const { port } = new URL(url);
  return {
    url: `http://127.0.0.1:${port}`,
    port: Number(port),
    pid: child.pid,
    dataDir,
    env,
    log,
    exited,
    /** `undefined` while it runs, else `{ code, signal }`. */
    get exit() {
      return exit;
    },
    /** SIGTERM, then SIGKILL after 10 s; removes the data directory. */
    async stop() {
      if (exit === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      return exit;
    },
  };
}

/** The resident set of `pid` and every descendant, in KiB (Linux /proc). */
export function residentKiB(pid) {
  let total = 0;
  const seen = new Set();
  const visit = (id) => {
    if (seen.has(id)) return;
    seen.add(id);
    try {
      const status = readFileSync(`/proc/${id}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (match) total += Number(match[1]);
    } catch {
      return;
    }
    for (const task of safeReaddir(`/proc/${id}/task`)) {
      let children = '';
      try {
        children = readFileSync(`/proc/${id}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(/\s+/).filter(Boolean)) visit(Number(child));
    }
  };
  visit(pid);
  return total;
}

function safeReaddir(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The facts a results file needs about this machine and checkout. */
export function machineFacts() {
  const run = (file, args) => {
    try {
      return execFileSync(file, args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  return {
    date: new Date().toISOString(),
    node: process.version,
    nproc: run('nproc', []),
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    memory: run('free', ['-m']).split('\n')[1]?.replace(/\s+/g, ' ') ?? 'unknown',
    commit: run('git', ['rev-parse', '--short', 'HEAD']),
    loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
    pinned: canPin,
  };
}
