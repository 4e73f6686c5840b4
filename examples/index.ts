import { serveExample } from './serve.js';
import { site } from './site.js';

await serveExample(site);
