/**
 * The blog's pages, feeds and XML documents, from the templates in
 * examples/blog/templates/.
 */
import { existsSync } from 'node:fs';
import { Template, type TemplateView } from '../../src/template/index.js';
import type { BlogFormat } from './formats.js';
import { entryUrl, listUrl, stylesheetUrl } from './links.js';
import { entryTitle } from './names.js';
import { uuidUrn, uuidV5 } from './stable-id.js';
import type { Entry } from './store.js';

// The build compiles TypeScript only, so the templates stay in the source
// tree. From examples/blog/ (tests run the source) they are next door; from
// dist/examples/blog/ (the built example) they are three levels up and down
// again.
const TEMPLATE_DIR = [new URL('./templates/', import.meta.url), new URL('../../../examples/blog/templates/', import.meta.url)].find((dir) =>
  existsSync(new URL('blog-single.xhtml', dir)),
);
if (TEMPLATE_DIR === undefined) throw new Error(`blog templates not found near ${import.meta.url}`);

function load(kind: 'single' | 'list', format: BlogFormat): Template {
  // Ids are markers for code; XML and Atom readers must not see them.
  return Template.fromFile(new URL(`blog-${kind}.${format}`, TEMPLATE_DIR), { stripIds: format !== 'xhtml' });
}

const TEMPLATES = {
  single: { xhtml: load('single', 'xhtml'), xml: load('single', 'xml'), atom: load('single', 'atom') },
  list: { xhtml: load('list', 'xhtml'), xml: load('list', 'xml'), atom: load('list', 'atom') },
} as const;

/** What every page needs besides its entries. */
export interface PageContext {
  /** The blog's root URL without a trailing slash (links.ts). */
  base: string;
  /** The blog's UUID (stable-id.ts). */
  blogId: string;
  title: string;
  author: string;
}

/** One list page's place in the whole list. */
export interface ListPosition {
  total: number;
  offset: number;
  limit: number;
  lastModified: Date;
}

/** Renders one entry. */
export function renderEntry(format: BlogFormat, entry: Entry, context: PageContext): string {
  return TEMPLATES.single[format].render((view) => {
    fillEntry(view, format, entry, context);
    if (format === 'xhtml') {
      view.text('page:title', `${entryTitle(entry.name)} · ${context.title}`);
      view.attr('blog:link', 'href', listUrl(context.base, 'xhtml'));
      view.attr('feed:link', 'href', listUrl(context.base, 'atom'));
      view.attr('style:link', 'href', stylesheetUrl(context.base));
    } else if (format === 'atom') {
      view.text('author:name', context.author);
      view.attr('entry:self', 'href', entryUrl(context.base, entry.name, 'atom'));
    }
  });
}

/** Renders a page of the list. */
export function renderList(format: BlogFormat, entries: Entry[], position: ListPosition, context: PageContext): string {
  const { total, offset, limit } = position;
  const next = offset + limit < total ? { offset: offset + limit, limit } : undefined;
  const previous = offset > 0 ? { offset: Math.max(0, offset - limit), limit } : undefined;
  return TEMPLATES.list[format].render((view) => {
    view.repeat('entry', entries, (item, entry) => fillEntry(item, format, entry, context));
    if (format === 'xhtml') {
      view.text('blog:title', context.title).text('blog:heading', context.title);
      view.attr('feed:link', 'href', listUrl(context.base, 'atom'));
      view.attr('style:link', 'href', stylesheetUrl(context.base));
      if (entries.length > 0) view.remove('empty');
      if (next === undefined) view.remove('page:next');
      else view.attr('page:next', 'href', listUrl(context.base, 'xhtml', next));
      if (previous === undefined) view.remove('page:previous');
      else view.attr('page:previous', 'href', listUrl(context.base, 'xhtml', previous));
    } else if (format === 'xml') {
      view.attr('entries', 'total', total).attr('entries', 'offset', offset).attr('entries', 'limit', limit);
    } else {
      view.text('feed:id', uuidUrn(context.blogId));
      view.text('feed:title', context.title);
      view.text('feed:updated', position.lastModified.toISOString());
      view.text('author:name', context.author);
      const paged = offset !== 0 || limit !== DEFAULT_PAGE_SIZE;
      view.attr('feed:self', 'href', listUrl(context.base, 'atom', paged ? { offset, limit } : undefined));
      view.attr('feed:alternate', 'href', listUrl(context.base, 'xhtml'));
      if (next === undefined) view.remove('feed:next');
      else view.attr('feed:next', 'href', listUrl(context.base, 'atom', next));
    }
  });
}

/** How many entries a list shows unless `?limit=` says otherwise. */
export const DEFAULT_PAGE_SIZE = 20;

function fillEntry(view: TemplateView, format: BlogFormat, entry: Entry, context: PageContext): void {
  view.text('entry:title', entryTitle(entry.name));
  view.text('entry:text', entry.text);
  const updated = entry.updated.toISOString();
  if (format === 'xhtml') {
    view.text('entry:updated', updated.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')).attr('entry:updated', 'datetime', updated);
    view.attr('entry:link', 'href', entryUrl(context.base, entry.name, 'xhtml'));
    return;
  }
  view.text('entry:updated', updated);
  if (format === 'xml') {
    view.text('entry:name', entry.name);
    view.attr('entry:link', 'href', entryUrl(context.base, entry.name, 'xml'));
  } else {
    view.text('entry:id', uuidUrn(uuidV5(context.blogId, entry.name)));
    view.attr('entry:link', 'href', entryUrl(context.base, entry.name, 'xhtml'));
  }
}
