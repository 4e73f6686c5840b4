/**
 * The slice of autocannon 9's programmatic API the bench uses; autocannon
 * ships no type declarations of its own.
 */
declare module 'autocannon' {
  /**
   * Options for one load run.
   *
   * @example
   * ```ts
   * const options: autocannon.Options = { url: 'http://127.0.0.1:3000/', connections: 10, pipelining: 1, duration: 5 };
   * ```
   */
  interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
  }

  /**
   * A histogram summary as autocannon reports it.
   *
   * @example
   * ```ts
   * console.log(result.latency.p99);
   * ```
   */
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p99: number;
  }

  /**
   * The outcome of one run.
   *
   * @example
   * ```ts
   * const result = await autocannon(options);
   * const rps = result.requests.total / result.duration;
   * ```
   */
  interface Result {
    /** Elapsed seconds, to two decimals. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    latency: Histogram;
    /** `total` counts completed requests. */
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  /**
   * Runs load; without a callback the returned tracker is also a promise.
   *
   * @example
   * ```ts
   * const result = await autocannon({ url, duration: 5 });
   * ```
   */
  function autocannon(options: Options): PromiseLike<Result>;
  namespace autocannon {
    export { Options, Result, Histogram };
  }
  export = autocannon;
}
