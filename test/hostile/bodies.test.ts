/** The bodies and aborts corpora against the examples site, as `npm start` serves it. */
import { aborts } from './corpus/aborts.js';
import { bodies } from './corpus/bodies.js';
import { runCorpus } from './run-corpus.js';

runCorpus('hostile bodies and aborts', [...bodies, ...aborts]);
