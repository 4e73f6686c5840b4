// Reading the tables of docs/gateway.md, so tests can hold the doc to the
// code it describes.
import { readFileSync } from 'node:fs';

export function gatewayDoc(): string {
  return readFileSync(new URL('../../docs/gateway.md', import.meta.url), 'utf8');
}

/** The text under the heading whose title ends with `title`, up to the next heading. */
export function sectionOf(doc: string, title: string): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.trimEnd().endsWith(title));
  if (start === -1) throw new Error(`docs/gateway.md has no section ending "${title}"`);
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The body rows of the Markdown tables in `text` (header and separator rows dropped), as trimmed cells. */
export function tableRows(text: string): string[][] {
  const rows = text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()));
  const isSeparator = (cells: string[] | undefined): boolean => cells !== undefined && cells.every((cell) => /^:?-+:?$/.test(cell));
  return rows.filter((cells, index) => !isSeparator(cells) && !isSeparator(rows[index + 1]));
}

/** A cell without the backticks around it. */
export function unquote(cell: string): string {
  return cell.replace(/^`(.*)`$/, '$1');
}
