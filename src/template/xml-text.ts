/**
 * What XML 1.0 can carry: characters in text and attribute values, and names.
 *
 * @module
 */

// XML 1.0 §2.2 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and the
// supplementary planes. Everything else (C0 controls, lone surrogates,
// U+FFFE/U+FFFF) cannot appear even as a character reference.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Replaces every character XML 1.0 cannot carry with U+FFFD, so any string
 * can be placed in a document that stays well-formed. Markup characters are
 * left alone: the serializer escapes them.
 *
 * @example
 * ```ts
 * xmlSafeText('bell\u0007 <b>'); // 'bell\uFFFD <b>'
 * ```
 *
 * @category XML text
 */
export function xmlSafeText(value: string): string {
  NOT_XML_CHAR.lastIndex = 0;
  return NOT_XML_CHAR.test(value) ? value.replace(NOT_XML_CHAR, '\uFFFD') : value;
}

/**
 * Whether the string holds a character XML 1.0 cannot carry.
 *
 * @example
 * ```ts
 * hasNonXmlChar('ok\n');     // false
 * hasNonXmlChar('nul\u0000'); // true
 * ```
 *
 * @category XML text
 */
export function hasNonXmlChar(value: string): boolean {
  NOT_XML_CHAR.lastIndex = 0;
  return NOT_XML_CHAR.test(value);
}

// XML 1.0 (fifth edition) §2.3 NameStartChar and NameChar.
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_REST = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const QNAME = new RegExp(`^[${NAME_START}][${NAME_REST}]*(?::[${NAME_START}][${NAME_REST}]*)?$`, 'u');

/**
 * Whether `name` is a valid attribute or element name: an XML `Name` with at
 * most one colon, between a prefix and a local part.
 *
 * @example
 * ```ts
 * isXmlName('href');     // true
 * isXmlName('xml:lang'); // true
 * isXmlName('1x');       // false
 * ```
 *
 * @category XML text
 */
export function isXmlName(name: string): boolean {
  return QNAME.test(name);
}
