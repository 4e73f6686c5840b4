/**
 * `npm run example:multi`: the apps of ./app.js in module-only mode, the
 * way `tsgi serve dist/examples/multi/app.js` serves them.
 */
import { exportsApp } from '../../src/cli/dispatch.js';
import { selectApp } from '../../src/cli/load.js';
import { serveExample } from '../serve.js';
import * as apps from './app.js';

const selection = selectApp(apps, 'examples/multi/app.js', undefined);
if (selection.kind !== 'exports') throw new Error('examples/multi/app.js is meant to be served in module-only mode');
await serveExample(exportsApp(selection.apps));
