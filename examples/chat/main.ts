import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { serveExample } from '../serve.js';
import { chatApp } from './app.js';

await serveExample(securityHeaders(chatApp()), 'chat');
