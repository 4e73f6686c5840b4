/** The framing corpus against the examples site, as `npm start` serves it. */
import { framing } from './corpus/framing.js';
import { runCorpus } from './run-corpus.js';

runCorpus('hostile framing', framing);
