#!/usr/bin/env node
/**
 * The `tsgi` command: `tsgi serve <module>[:<export>] [options]`.
 *
 * @module
 */

// Before anything else is loaded: Node maps the frames of modules loaded
// after this, so traces (and the dev error page) point at the .ts lines of
// tsgi and of the app. Static imports would load first, hence the dynamic one.
// Cluster and watch workers run this file too, so they map alike.
process.setSourceMapsEnabled(true);
const { runCommand } = await import('./run.js');
process.exit(await runCommand(process.argv.slice(2)));
