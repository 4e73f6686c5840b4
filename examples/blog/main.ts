import { serveExample } from '../serve.js';
import { blogSite } from './app.js';

await serveExample(blogSite, 'the blog');
