import { serveExample } from '../serve.js';
import { GuessHandler } from './app.js';

await serveExample(GuessHandler);
