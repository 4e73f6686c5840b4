import { serveExample } from '../serve.js';
import { privateApp } from './app.js';

await serveExample(privateApp);
