import { serveExample } from '../serve.js';
import { simpleApp } from './app.js';

await serveExample(simpleApp);
