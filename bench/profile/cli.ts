/**
 * Prints the summary of `.cpuprofile` files, for looking at a profile again
 * without rerunning the bench:
 * `node dist/bench/profile/cli.js bench/.out/profiles/tsgi-function-p1.cpuprofile`
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { profileMarkdown } from '../report/profile-markdown.js';
import { summariseProfile } from './summarise.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)); // from dist/bench/profile/
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node dist/bench/profile/cli.js FILE.cpuprofile…');
  process.exit(2);
}
for (const file of files) console.log(profileMarkdown(file, summariseProfile(file, repoRoot, 20)));
