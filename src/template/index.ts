/**
 * Id-based XML templates: parse once, fill elements by `id`, render a copy.
 *
 * @module tsgi/template
 */
export * from './errors.js';
export * from './template.js';
export * from './view.js';
export { hasNonXmlChar, isXmlName, xmlSafeText } from './xml-text.js';
