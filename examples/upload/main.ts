import { serveExample } from '../serve.js';
import { securityHeaders } from '../../src/index.js';
import { uploadApp } from './app.js';

await serveExample(securityHeaders(uploadApp));
