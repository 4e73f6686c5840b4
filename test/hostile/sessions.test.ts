/**
 * The sessions, auth and headers-out corpora against the examples site
 * with its sessions in files (SESSION_STORE=file), so that every stored
 * session is a file the runner sees.
 */
import { auth } from './corpus/auth.js';
import { headersOut } from './corpus/headers-out.js';
import { sessionCases } from './corpus/sessions.js';
import { runCorpus } from './run-corpus.js';

runCorpus('hostile sessions, auth and headers out', [...sessionCases, ...auth, ...headersOut], { env: { SESSION_STORE: 'file' } });
