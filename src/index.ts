export { Registry } from './core/registry.js';
export { Diagnostics, formatDiagnostic } from './core/diag.js';
