import { compress } from '../../src/middleware/compress/index.js';
import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { serveExample } from '../serve.js';
import { Clock } from './app.js';

// Compressed like any page: the stream is flushed after every event.
await serveExample(compress(securityHeaders(Clock)), 'clock');
