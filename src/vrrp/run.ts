/** Runs the VRRP sidecar on its own: `node dist/vrrp/run.js -f keepalived.conf` (what `portico vrrp` does). */
import { vrrpMain } from './cli.js';

process.exitCode = await vrrpMain(process.argv.slice(2));
// Script trackers and notify children may hold the event loop; the sidecar is done.
process.exit();
