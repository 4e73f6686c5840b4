import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { Template, TemplateError, xmlSafeText } from '../../src/template/index.js';

const XHTML = 'http://www.w3.org/1999/xhtml';

/** Parses with the strict XML parser, throwing on any problem at all. */
function reparse(xml: string) {
  return new DOMParser({
    onError: (level, message) => {
      if (level === 'warning' && message.startsWith('Unicode replacement character')) return;
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'application/xml');
}

const LIST = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="${XHTML}">
  <head><title id="title">placeholder</title></head>
  <body>
    <p id="empty">Nothing yet.</p>
    <ul id="list">
      <li id="item"><a id="link" href="#">name</a> <span id="note">note</span></li>
    </ul>
  </body>
</html>
`;

describe('Template: the documented example', () => {
  it('renders as its TSDoc says', () => {
    const page = Template.fromString('<ul xmlns="http://www.w3.org/1999/xhtml"><li id="item"><a id="link">x</a></li></ul>');
    const out = page.render((view) => {
      view.repeat('item', ['a & b', 'c'], (item, label) => {
        item.text('link', label).attr('link', 'href', `/${encodeURIComponent(label)}`);
      });
    });
    expect(out).toBe('<ul xmlns="http://www.w3.org/1999/xhtml"><li><a href="/a%20%26%20b">a &amp; b</a></li><li><a href="/c">c</a></li></ul>');
    const greeting = Template.fromString('<p>Hello, <b id="who">you</b>!</p>', { name: 'greeting' });
    expect(greeting.render((view) => view.text('who', '<world>'))).toBe('<p>Hello, <b id="who">&lt;world&gt;</b>!</p>');
  });
});

describe('Template: loading', () => {
  it('refuses a duplicate id at load time, naming it and the template', () => {
    expect(() => Template.fromString('<p><b id="x"/><i><u id="x"/></i></p>', { name: 'dup.xml' })).toThrowError(
      new TemplateError('dup.xml', 'duplicate id "x"'),
    );
  });

  it('refuses XML that is not well-formed, without guessing', () => {
    for (const source of ['<a><b></a>', '<a>&nbsp;</a>', '<a x="1" x="2"/>', '<a/><b/>', 'text only', '']) {
      expect(() => Template.fromString(source, { name: 'bad.xml' }), source).toThrow(/^bad\.xml: not well-formed XML/);
    }
  });

  it('reads files by path or file: URL, named after the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsgi-template-'));
    try {
      const file = join(dir, 'hello.xml');
      writeFileSync(file, '<p id="who">x</p>');
      expect(Template.fromFile(file).name).toBe('hello.xml');
      expect(Template.fromFile(new URL(`file://${file}`)).render((v) => v.text('who', 'y'))).toBe('<p id="who">y</p>');
      expect(() => Template.fromFile(join(dir, 'missing.xml'))).toThrow(/^missing\.xml: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists its ids in document order', () => {
    expect(Template.fromString(LIST).ids).toEqual(['title', 'empty', 'list', 'item', 'link', 'note']);
  });

  it('keeps the XML declaration, doctype and comments as written', () => {
    const source =
      '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<!-- kept -->\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><p/>' +
      '<x:y xmlns:x="urn:x" x:z="1"><![CDATA[<raw> & ]]><?pi data?><!-- inner --></x:y><i id="r"><![CDATA[a]]></i></html>';
    const template = Template.fromString(source);
    expect(template.render()).toBe(source.replace('<p/>', '<p></p>'));
    const repeated = template.render((view) => view.repeat('r', [1, 2], () => {}));
    expect(repeated).toContain('<i><![CDATA[a]]></i><i><![CDATA[a]]></i></html>');
    expect(reparse(repeated).getElementsByTagName('i').length).toBe(2);
  });
});

describe('Template: filling', () => {
  const template = Template.fromString(LIST, { name: 'list.xhtml' });

  it('escapes text and attribute values by construction', () => {
    const hostile = `<script>alert("x")</script> & 'q' ]]>`;
    const out = template.render((view) => {
      view.text('title', hostile).attr('link', 'href', `/a?b=1&c="2"'<>`).attr('link', 'title', hostile);
    });
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script>'.replace('>', '&gt;'));
    expect(out).toContain('href="/a?b=1&amp;c=&quot;2&quot;\'&lt;&gt;"');
    const doc = reparse(out);
    expect(doc.getElementsByTagName('title')[0]!.textContent).toBe(hostile);
    expect(doc.getElementsByTagName('a')[0]!.getAttribute('href')).toBe(`/a?b=1&c="2"'<>`);
    expect(doc.getElementsByTagName('a')[0]!.getAttribute('title')).toBe(hostile);
    expect(doc.getElementsByTagName('script').length).toBe(0);
  });

  it('replaces characters XML cannot carry, so output stays well-formed', () => {
    const out = template.render((view) => view.text('title', 'bell\u0007 nul\u0000 lone\uD800 ok\u{1F600}').attr('link', 'data-x', 'esc\u001b'));
    const doc = reparse(out);
    expect(doc.getElementsByTagName('title')[0]!.textContent).toBe('bell\uFFFD nul\uFFFD lone\uFFFD ok\u{1F600}');
    expect(xmlSafeText('tab\tnewline\n')).toBe('tab\tnewline\n');
  });

  it('repeats an element for 0, 1 and n items, ids scoped to each copy and absent from the output', () => {
    const render = (names: string[]) =>
      template.render((view) => {
        if (names.length > 0) view.remove('empty');
        view.repeat('item', names, (item, name, index) => {
          item.text('link', name).attr('link', 'href', `/${name}`).text('note', `#${index}`);
        });
      });
    for (const names of [[], ['one'], ['a', 'b', 'c', 'd', 'e']]) {
      const out = render(names);
      const doc = reparse(out);
      const items = doc.getElementsByTagName('li');
      expect(items.length).toBe(names.length);
      names.forEach((name, i) => {
        expect(items[i]!.getElementsByTagName('a')[0]!.textContent).toBe(name);
        expect(items[i]!.getElementsByTagName('a')[0]!.getAttribute('href')).toBe(`/${name}`);
        expect(items[i]!.getElementsByTagName('span')[0]!.textContent).toBe(`#${i}`);
      });
      expect(out).not.toContain('id="item"');
      expect(out).not.toContain('id="link"');
      expect(out).toContain('id="list"');
      expect(out.includes('Nothing yet.')).toBe(names.length === 0);
    }
    // The copies keep the template's indentation.
    expect(render(['a', 'b'])).toContain('<ul id="list">\n      <li><a href="/a">a</a> <span>#0</span></li>\n      <li><a href="/b">b</a>');
  });

  it('lets a repeat callback remove its own copy, set ids, and repeat again inside', () => {
    const nested = Template.fromString('<r><g id="group"><h id="head"/><i id="item"/></g></r>');
    const out = nested.render((view) => {
      view.repeat('group', [['a', 'b'], [], ['c']], (group, items, index) => {
        if (items.length === 0) {
          group.remove('group');
          return;
        }
        group.text('head', index).attr('group', 'id', `g${index}`);
        group.repeat('item', items, (item, value) => item.text('item', value));
      });
    });
    expect(out).toBe('<r><g id="g0"><h>0</h><i>a</i><i>b</i></g><g id="g2"><h>2</h><i>c</i></g></r>');
  });

  it('refuses unknown ids, and ids already removed or repeated, naming them', () => {
    expect(() => template.render((view) => view.text('nope', 'x'))).toThrow(/^list\.xhtml: unknown id "nope" \(ids available here: "title", /);
    expect(() => template.render((view) => view.remove('empty').text('empty', 'x'))).toThrow('id "empty" was removed');
    expect(() => template.render((view) => view.remove('list').text('link', 'x'))).toThrow('id "link" was removed');
    expect(() => template.render((view) => view.repeat('item', [1], () => {}).text('link', 'x'))).toThrow(
      'id "link" is inside repeated id "item"; fill it in the repeat callback',
    );
    expect(() => template.render((view) => view.repeat('item', [1], (item) => item.text('title', 'x')))).toThrow('unknown id "title"');
    expect(() => template.render((view) => view.remove('html-root-does-not-exist'))).toThrow(TemplateError);
  });

  it('refuses bad attribute names and namespace declarations', () => {
    expect(() => template.render((view) => view.attr('link', 'bad name', 'x'))).toThrow('invalid attribute name "bad name"');
    expect(() => template.render((view) => view.attr('link', '1x', 'x'))).toThrow('invalid attribute name');
    expect(() => template.render((view) => view.attr('link', 'xmlns:evil', 'urn:x'))).toThrow('namespace declarations cannot be set');
  });

  it('removes attributes set to null', () => {
    expect(template.render((view) => view.attr('link', 'href', null))).toContain('<a id="link">name</a>');
  });

  it('parses once: many renders, none sees another', () => {
    const outputs = new Set<string>();
    for (let i = 0; i < 50; i++) {
      outputs.add(template.render((view) => view.text('title', `render ${i}`).repeat('item', Array.from({ length: i % 3 }, (_, k) => k), () => {})));
    }
    expect(outputs.size).toBe(50);
    expect(template.render()).toBe(LIST.replace(/\n$/, ''));
    expect(template.render().includes('render')).toBe(false);
  });

  it('strips every id when asked, for formats without an id attribute', () => {
    const feed = Template.fromString('<feed xmlns="http://www.w3.org/2005/Atom"><title id="t"/><entry id="e"><title id="et"/></entry></feed>', {
      stripIds: true,
    });
    expect(feed.render((view) => view.text('t', 'T').repeat('e', ['x'], (e, v) => e.text('et', v)))).toBe(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>x</title></entry></feed>',
    );
  });
});
