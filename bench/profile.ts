/**
 * A top-N self-time table over a `node --cpu-prof` profile: a summary of the
 * profile's own samples, nothing more.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where a frame is, relative to the repository when it is in it. */
function location(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return '';
  const path = frame.url.startsWith('file://') ? relative(repoRoot, fileURLToPath(frame.url)) : frame.url;
  // lineNumber is 0-based in the profile format.
  return `${path}:${frame.lineNumber + 1}`;
}

/**
 * The `top` functions by self time in the one `.cpuprofile` under `dir`, as a
 * Markdown table (function, file:line, % self).
 */
export function summariseProfile(dir: string, top: number): string {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const keyOf = new Map<number, string>();
  for (const node of profile.nodes) keyOf.set(node.id, `${node.callFrame.functionName || '(anonymous)'}\t${location(node.callFrame)}`);
  // Self time per sample is the delta to the next sample, as DevTools counts it.
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const key = keyOf.get(id) ?? '(unknown)\t';
    self.set(key, (self.get(key) ?? 0) + micros);
    total += micros;
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `Top ${top} by self time, ${(total / 1e6).toFixed(1)} s sampled (${file}):`,
    '',
    '| function | file:line | % self |',
    '| --- | --- | ---: |',
    ...rows.map(([key, micros]) => {
      const [name, where] = key.split('\t');
      return `| \`${name}\` | ${where === '' ? '' : `\`${where}\``} | ${((100 * micros) / total).toFixed(1)} |`;
    }),
    '',
  ].join('\n');
}
