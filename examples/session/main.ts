import { sessions } from '../../src/middleware/session/index.js';
import { serveExample } from '../serve.js';
import { VisitCounter } from './app.js';
import { sessionSetupFromEnv, type SessionSetup } from './config.js';

let setup: SessionSetup;
try {
  setup = sessionSetupFromEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
console.error(`session example: ${setup.description}`);
await serveExample(sessions(VisitCounter, setup.options), 'the visit counter');
await setup.close();
