/** The slow-client corpus against the examples site served with short limits. */
import { SLOW_LIMITS, slow } from './corpus/slow.js';
import { runCorpus } from './run-corpus.js';

runCorpus('hostile slow clients', slow, { serverOptions: { ...SLOW_LIMITS } });
