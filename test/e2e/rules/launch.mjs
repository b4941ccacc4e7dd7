// Runs portico's runtime with the rules engine attached, from the build in dist/. The e2e tests
// use it only while dist/process/run.js does not call buildHttpHooks itself (see start.ts).
// Usage: node launch.mjs -f CFG
import { loadConfig } from '../../../dist/config/load.js';
import { Runtime } from '../../../dist/runtime/runtime.js';
import { buildHttpHooks } from '../../../dist/rules/index.js';
import { formatDiagnostic } from '../../../dist/core/diag.js';

const file = process.argv[process.argv.indexOf('-f') + 1];
const { config, diags, ok } = loadConfig([file]);
const rt = new Runtime(config);
rt.httpHooks = buildHttpHooks(rt, diags);
for (const d of diags.list) process.stderr.write(`${formatDiagnostic(d)}\n`);
if (!ok || diags.alerts > 0) process.exit(1);
const failures = await rt.start();
if (failures.length > 0) process.exit(1);
const bye = () => {
  setTimeout(() => process.exit(0), 1000).unref();
  void rt.stop(true).then(() => process.exit(0));
};
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
// A test runner that dies without stopping us must not leave us listening.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) bye();
}, 500).unref();
