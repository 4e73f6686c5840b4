/**
 * Reading a V8 `.cpuprofile` (as written by `node --cpu-prof`) into the few
 * numbers that say where a server's time goes: self time per function,
 * inclusive time of tsgi's own functions, and time per area (tsgi, node's
 * HTTP stack, GC, …). Frames from `dist/` are mapped back to `src/*.ts`.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where a frame's code comes from.
 *
 * @example
 * ```ts
 * const area: Area = 'tsgi';
 * ```
 */
export type Area = 'tsgi' | 'app (bench/)' | 'node internals' | 'dependencies' | 'native / V8' | 'gc' | 'program' | 'idle';

/**
 * One function's share of the profile.
 *
 * @example
 * ```ts
 * console.log(`${stat.name} ${stat.location} ${(stat.shareOfBusy * 100).toFixed(1)}%`);
 * ```
 */
export interface FrameStat {
  name: string;
  /** `src/server/x.ts:42` for project code, else the script and line. */
  location: string;
  area: Area;
  ms: number;
  /** Of the time the process was not idle. */
  shareOfBusy: number;
}

/**
 * What one profile says.
 *
 * @example
 * ```ts
 * const s = summariseProfile('bench/.out/profiles/tsgi-function-p1.cpuprofile', repoRoot);
 * console.log(s.busyMs, s.topSelf[0]);
 * ```
 */
export interface ProfileSummary {
  file: string;
  /** Whether only samples inside the requested window were counted. */
  windowed: boolean;
  /** Sampled time counted, idle included. */
  totalMs: number;
  busyMs: number;
  /** Self time per area, largest first; idle excluded. */
  areas: Array<{ area: Area; ms: number; shareOfBusy: number }>;
  /** Functions by self time, largest first; idle excluded. */
  topSelf: FrameStat[];
  /** tsgi's own functions by inclusive time (self plus callees), largest first. */
  tsgiInclusive: FrameStat[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  /** Microseconds on the monotonic clock `process.hrtime` reads too. */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Frame {
  key: string;
  name: string;
  location: string;
  area: Area;
}

/**
 * A span of the monotonic clock, in microseconds, as
 * `process.hrtime.bigint() / 1000n` reads it in any process on the machine.
 *
 * @example
 * ```ts
 * const now = (): number => Number(process.hrtime.bigint() / 1000n);
 * const window: TimeWindow = { startMicros: now(), endMicros: now() + 8e6 };
 * ```
 */
export interface TimeWindow {
  startMicros: number;
  endMicros: number;
}

/**
 * Summarises the profile at `file`. `repoRoot` (absolute, with trailing `/`)
 * shortens project paths; `top` limits each list. With `window`, only samples
 * taken inside it count — V8 stamps samples with the same monotonic clock as
 * `process.hrtime`, so the parent can cut away start-up and warm-up — unless
 * none fall inside, when the whole profile is used and `windowed` is false.
 *
 * @example
 * ```ts
 * const summary = summariseProfile(path, '/work/main/', 15, capture.window);
 * ```
 */
export function summariseProfile(file: string, repoRoot: string, top = 15, window?: TimeWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const resolver = new FrameResolver(repoRoot);
  const frames = new Map<number, Frame>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    frames.set(node.id, resolver.resolve(node.callFrame));
    for (const child of node.children ?? []) parents.set(child, node.id);
  }

  const timestamps: number[] = [];
  let clock = profile.startTime;
  for (const delta of profile.timeDeltas) timestamps.push((clock += delta));
  const inside = (i: number): boolean =>
    window === undefined || (timestamps[i]! >= window.startMicros && timestamps[i]! <= window.endMicros);
  const windowed = window !== undefined && timestamps.some((_, i) => inside(i));

  const self = new Map<string, { frame: Frame; ms: number }>();
  const inclusive = new Map<string, { frame: Frame; ms: number }>();
  const areas = new Map<Area, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (windowed && !inside(i)) continue;
    // timeDeltas[i] is the gap *before* sample i, so the time sample i stands
    // for is the gap after it.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1_000;
    const nodeId = profile.samples[i]!;
    const frame = frames.get(nodeId)!;
    totalMs += ms;
    if (frame.area === 'idle') continue;
    areas.set(frame.area, (areas.get(frame.area) ?? 0) + ms);
    add(self, frame, ms);
    // Count each tsgi function once per sample even when it recurses.
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) {
      const ancestor = frames.get(id)!;
      if (ancestor.area !== 'tsgi' || seen.has(ancestor.key)) continue;
      seen.add(ancestor.key);
      add(inclusive, ancestor, ms);
    }
  }

  const busyMs = [...areas.values()].reduce((sum, ms) => sum + ms, 0);
  const ranked = (table: Map<string, { frame: Frame; ms: number }>): FrameStat[] =>
    [...table.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map(({ frame, ms }) => ({ name: frame.name, location: frame.location, area: frame.area, ms, shareOfBusy: ms / busyMs }));
  return {
    file,
    windowed,
    totalMs,
    busyMs,
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, ms]) => ({ area, ms, shareOfBusy: ms / busyMs })),
    topSelf: ranked(self),
    tsgiInclusive: ranked(inclusive),
  };
}

function add(table: Map<string, { frame: Frame; ms: number }>, frame: Frame, ms: number): void {
  const entry = table.get(frame.key);
  if (entry === undefined) table.set(frame.key, { frame, ms });
  else entry.ms += ms;
}

/** Classifies call frames and maps compiled project frames to their TypeScript source. */
class FrameResolver {
  private readonly maps = new Map<string, SourceMap | undefined>();

  constructor(private readonly repoRoot: string) {}

  resolve(callFrame: CallFrame): Frame {
    const { functionName, url, lineNumber, columnNumber } = callFrame;
    const special = SPECIAL_FRAMES.get(functionName);
    if (special !== undefined && url === '') return { key: functionName, name: functionName, location: '', area: special };
    const name = functionName === '' ? '(anonymous)' : functionName;
    const area = this.area(url);
    const location = this.location(url, lineNumber, columnNumber);
    return { key: `${name}@${location}`, name, location, area };
  }

  private area(url: string): Area {
    if (url === '') return 'native / V8';
    if (url.startsWith('node:')) return 'node internals';
    if (url.includes('/node_modules/')) return 'dependencies';
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    if (path.startsWith(`${this.repoRoot}dist/src/`)) return 'tsgi';
    if (path.startsWith(`${this.repoRoot}dist/bench/`)) return 'app (bench/)';
    return 'dependencies';
  }

  /** `src/x.ts:line` for project code (via its source map), else `script:line`; lines 1-based. */
  private location(url: string, line: number, column: number): string {
    if (url === '') return '';
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    const map = this.sourceMap(path);
    const entry = map?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      const source = entry.originalSource.startsWith('file:')
        ? fileURLToPath(entry.originalSource)
        : fileURLToPath(new URL(entry.originalSource, `file://${path}`));
      return `${this.shorten(source)}:${entry.originalLine + 1}`;
    }
    return `${this.shorten(path)}:${line + 1}`;
  }

  private sourceMap(path: string): SourceMap | undefined {
    if (!path.startsWith(this.repoRoot) || !path.endsWith('.js')) return undefined;
    if (!this.maps.has(path)) {
      const mapFile = `${path}.map`;
      this.maps.set(path, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined);
    }
    return this.maps.get(path);
  }

  private shorten(path: string): string {
    if (path.startsWith(this.repoRoot)) return path.slice(this.repoRoot.length);
    const modules = path.lastIndexOf('/node_modules/');
    return modules === -1 ? path : path.slice(modules + '/node_modules/'.length);
  }
}

// V8's pseudo-frames: not functions, but where the rest of the time goes.
const SPECIAL_FRAMES: ReadonlyMap<string, Area> = new Map([
  ['(idle)', 'idle'],
  ['(garbage collector)', 'gc'],
  ['(program)', 'program'],
  ['(root)', 'program'],
]);
