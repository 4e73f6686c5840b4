import { serveExample } from '../serve.js';
import { apiSite } from './app.js';

await serveExample(apiSite(''), 'the tasks API');
