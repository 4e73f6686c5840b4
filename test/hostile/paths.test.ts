/** The paths corpus against the examples site, as `npm start` serves it. */
import { paths } from './corpus/paths.js';
import { runCorpus } from './run-corpus.js';

runCorpus('hostile paths', paths);
