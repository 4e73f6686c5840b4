/**
 * Naming values in violation messages.
 *
 * @module
 */

/**
 * A short description of any value for violation messages, safe for values
 * that cannot be stringified.
 *
 * @example
 * ```ts
 * describe(42);       // 'the number 42'
 * describe([1]);      // 'the array [1]'
 * describe(new Map()); // 'a Map'
 * ```
 */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(truncate(value))}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `the ${typeof value} ${String(value)}`;
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name === '' ? 'a function' : `the function ${value.name}`;
    default:
  }
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (Array.isArray(value)) {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined;
    }
    return json === undefined ? 'an array' : `the array ${truncate(json)}`;
  }
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  if (proto === Object.prototype || proto === null) return 'a plain object';
  const name = proto.constructor?.name;
  return name === undefined || name === '' || name === 'Object' ? 'an object with a custom prototype' : `a ${name}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
