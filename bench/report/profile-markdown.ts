/**
 * The Markdown for one profile's summary.
 *
 * @module
 */
import type { ProfileSummary } from '../profile/summarise.js';
import { percent, table } from './format.js';

/**
 * Renders `summary` under a heading `title`: time per area, top functions by
 * self time, and tsgi's functions by inclusive time.
 *
 * @example
 * ```ts
 * console.log(profileMarkdown('tsgi, function app — pipelining 1', summary));
 * ```
 */
export function profileMarkdown(title: string, summary: ProfileSummary): string {
  const ms = (value: number): string => value.toFixed(0);
  const parts = [
    `#### ${title}`,
    '',
    (summary.windowed
      ? `Samples from the measured load only (start-up and warm-up cut away): busy ${ms(summary.busyMs)} ms of ${ms(summary.totalMs)} ms. `
      : `Whole profile, start-up and warm-up included: busy ${ms(summary.busyMs)} ms of ${ms(summary.totalMs)} ms. `) +
      'Shares below are of busy (non-idle) time.',
    '',
    table(
      ['area', 'self ms', 'share'],
      summary.areas.map((entry) => [entry.area, ms(entry.ms), percent(entry.shareOfBusy)]),
    ),
    '',
    'Top functions by self time:',
    '',
    table(
      ['#', 'function', 'where', 'area', 'self ms', 'share'],
      summary.topSelf.map((frame, i) => [
        String(i + 1),
        `\`${frame.name}\``,
        frame.location === '' ? '' : `\`${frame.location}\``,
        frame.area,
        ms(frame.ms),
        percent(frame.shareOfBusy),
      ]),
    ),
  ];
  if (summary.tsgiInclusive.length > 0) {
    parts.push(
      '',
      'tsgi functions by inclusive time (their own code plus everything they call):',
      '',
      table(
        ['function', 'where', 'total ms', 'share'],
        summary.tsgiInclusive.map((frame) => [
          `\`${frame.name}\``,
          `\`${frame.location}\``,
          ms(frame.ms),
          percent(frame.shareOfBusy),
        ]),
      ),
    );
  }
  return parts.join('\n');
}
