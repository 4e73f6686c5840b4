/**
 * The blog's three output types, chosen by `?type=` or by the Accept header.
 */
import Negotiator from 'negotiator';
import { HttpError, type Environ } from '../../src/gateway/index.js';
import { type FieldRecord } from '../../src/body/index.js';

/** An output type: also the extension of its templates. */
export type BlogFormat = 'xhtml' | 'xml' | 'atom';

/** Every output type, in the order `?type=` lists them. */
export const FORMATS: readonly BlogFormat[] = ['xhtml', 'xml', 'atom'];

/** A chosen output type and the Content-Type it is served with. */
export interface ChosenFormat {
  format: BlogFormat;
  contentType: string;
}

const XHTML = 'application/xhtml+xml; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

const CONTENT_TYPES: Record<BlogFormat, string> = {
  xhtml: XHTML,
  xml: 'application/xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

// The media types Accept is matched against, most preferred first for a
// client that accepts anything (curl's `*/*`).
const OFFERED: ReadonlyMap<string, BlogFormat> = new Map([
  ['application/xhtml+xml', 'xhtml'],
  ['text/html', 'xhtml'],
  ['application/atom+xml', 'atom'],
  ['application/xml', 'xml'],
  ['text/xml', 'xml'],
]);

const VALID = `valid types: ${FORMATS.map((f) => `?type=${f}`).join(', ')}`;

/**
 * Picks the output type: `?type=` when given (400 for an unknown one),
 * otherwise the best match for Accept (406 when nothing offered is
 * acceptable), otherwise xhtml. Every answer varies with Accept, since
 * even `?type=xhtml` picks its Content-Type from it.
 */
export function chooseFormat(environ: Environ, query: FieldRecord): ChosenFormat {
  const accept = environ.HTTP_ACCEPT;
  const negotiator = new Negotiator({ headers: accept === undefined ? {} : { accept } });
  const requested = query.type;
  let format: BlogFormat;
  if (requested !== undefined) {
    if (requested.length > 1) throw new HttpError(400, `type is given ${requested.length} times; give it once (${VALID})`);
    const value = requested[0]!;
    if (!(FORMATS as readonly string[]).includes(value)) throw new HttpError(400, `Unknown type ${JSON.stringify(value.slice(0, 50))}; ${VALID}`);
    format = value as BlogFormat;
  } else {
    const best = negotiator.mediaType([...OFFERED.keys()]);
    if (best === undefined) {
      throw new HttpError(406, `Nothing here matches Accept: ${JSON.stringify((accept ?? '').slice(0, 200))}; offered: ${[...OFFERED.keys()].join(', ')}; or ask with ${VALID}`);
    }
    format = OFFERED.get(best)!;
  }
  if (format !== 'xhtml') return { format, contentType: CONTENT_TYPES[format] };
  // The page is serialized as XML (`<br/>`, namespaces, entities escaped the
  // XML way), so a browser should read it with its XML parser:
  // application/xhtml+xml. Every current browser lists that type in Accept,
  // and the XML parser then renders exactly what was written, and shows a
  // broken document as broken instead of silently repairing it. The markup
  // is also valid HTML (empty elements are written `<p></p>`, not `<p/>`),
  // so a client that accepts only text/html gets it as text/html.
  const xhtmlAccepted = accept === undefined || negotiator.mediaType(['application/xhtml+xml']) !== undefined;
  return { format, contentType: xhtmlAccepted ? XHTML : HTML };
}
