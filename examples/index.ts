import { serveExample } from './serve.js';
import { site, siteSessions } from './site.js';

await serveExample(site, 'the tsgi examples');
await siteSessions.close();
