/**
 * The middleware configurations the bench compares, each adding one layer
 * to the one before.
 *
 * @module
 */

/**
 * A middleware layer the bench can add.
 *
 * @example
 * ```ts
 * const layers: Layer[] = ['compress', 'accessLog'];
 * ```
 */
export type Layer = 'compress' | 'accessLog' | 'session';

/**
 * One server configuration: which layers wrap the hello app.
 *
 * @example
 * ```ts
 * const config: LayerConfig = { id: 'compress', label: '+ compress', layers: ['compress'] };
 * ```
 */
export interface LayerConfig {
  /** Short stable name for logs. */
  id: string;
  /** Name in the report. */
  label: string;
  /** Layers, innermost first. */
  layers: readonly Layer[];
}

/**
 * The configurations in report order: bare tsgi, then one more layer each.
 *
 * @example
 * ```ts
 * for (const { id, layers } of LAYER_CONFIGS) console.log(id, layers.join('+'));
 * ```
 */
export const LAYER_CONFIGS: readonly LayerConfig[] = [
  { id: 'tsgi', label: 'tsgi, function app', layers: [] },
  { id: 'compress', label: '+ compress', layers: ['compress'] },
  { id: 'access-log', label: '+ compress + accessLog', layers: ['compress', 'accessLog'] },
  { id: 'session', label: '+ compress + accessLog + sessions', layers: ['session', 'compress', 'accessLog'] },
];

/**
 * Whether `value` names a {@link Layer}.
 *
 * @example
 * ```ts
 * 'compress,accessLog'.split(',').filter(isLayer);
 * ```
 */
export function isLayer(value: string): value is Layer {
  return value === 'compress' || value === 'accessLog' || value === 'session';
}

/** The path that gives the benchmark client its session cookie. */
export const PRIME_PATH = '/prime';
