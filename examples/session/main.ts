import { sessions } from '../../src/index.js';
import { serveExample } from '../serve.js';
import { VisitCounter } from './app.js';
import { sessionSetupFromEnv } from './config.js';

let setup;
try {
  setup = await sessionSetupFromEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
console.error(`session example: ${setup.description}`);
await serveExample(sessions(VisitCounter, setup.options));
await setup.close();
