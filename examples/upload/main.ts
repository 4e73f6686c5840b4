import { serveExample } from '../serve.js';
import { UploadHandler } from './app.js';

await serveExample(UploadHandler);
