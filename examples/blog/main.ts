import { serveExample } from '../serve.js';
import { Blog } from './app.js';

await serveExample(Blog);
