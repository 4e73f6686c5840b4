// Every exported symbol's TSDoc must carry an @example: typedoc's own
// validation only checks that a comment exists, so this reads its JSON output
// and fails the docs build for any top-level export without one.
import { readFileSync } from 'node:fs';

const project = JSON.parse(readFileSync(process.argv[2] ?? 'docs/api/api.json', 'utf8'));

function hasExample(reflection) {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)];
  return comments.some((comment) => comment?.blockTags?.some((tag) => tag.tag === '@example'));
}

const missing = [];
function visit(reflection, path) {
  for (const child of reflection.children ?? []) {
    // Kind 2 is a module; its members are the exports.
    if (child.kind === 2) visit(child, [...path, child.name]);
    // A re-export (kind 4194304) is documented where it is declared, and checked there.
    else if (child.kind === 4194304) continue;
    else if (!hasExample(child)) missing.push([...path, child.name].join('.'));
  }
}
visit(project, []);

if (missing.length > 0) {
  console.error(`Exported symbols without an @example in their TSDoc (${missing.length}):`);
  for (const name of missing) console.error(`  ${name}`);
  process.exit(1);
}
console.log(`doc examples: every exported symbol has one`);
