import { serveExample } from '../serve.js';
import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { uploadApp } from './app.js';

await serveExample(securityHeaders(uploadApp));
