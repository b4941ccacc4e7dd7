/** Loads every module's keyword table into the registry (each registers itself on import). */
import '../proxy/kw-basic.js';
import '../proxy/kw-options.js';
import '../proxy/kw-legacy.js';
import '../proxy/kw-bind.js';
import '../proxy/kw-server.js';
import '../proxy/kw-stats.js';
import '../proxy/kw-rules.js';
import '../proxy/kw-cookie.js';
import '../proxy/kw-checks.js';
import '../log/keywords.js';
import '../process/kw-global.js';
import './kw-userlist.js';
