import { serveExample } from '../serve.js';
import { securityHeaders } from '../../src/index.js';
import { guessApp } from './app.js';

await serveExample(securityHeaders(guessApp));
