import { serveExample } from '../serve.js';
import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { guessApp } from './app.js';

await serveExample(securityHeaders(guessApp));
