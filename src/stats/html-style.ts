/**
 * Stylesheet of the stats page: HAProxy's familiar look (cyan column
 * headers, crimson proxy tabs, one background colour per server state),
 * written for portico, with a dark variant and phone-friendly scrolling.
 */

/** Server state colours (light scheme), by the class names the page uses. */
export const STATE_COLOURS: Record<string, string> = {
  active_up: '#c0ffc0',
  active_going_down: '#ffffa0',
  active_going_up: '#ffd020',
  active_down: '#ff9090',
  active_nolb: '#20a0ff',
  active_draining: '#20a0ff',
  active_no_check: '#e0e0e0',
  backup_up: '#b0d0ff',
  backup_going_down: '#c060ff',
  backup_going_up: '#ff80ff',
  backup_down: '#ff9090',
  backup_nolb: '#90b0e0',
  backup_draining: '#cc9900',
  backup_no_check: '#e0e0e0',
  maintain: '#c07820',
};

const DARK_STATE_COLOURS: Record<string, string> = {
  active_up: '#1d5a1d',
  active_going_down: '#66661a',
  active_going_up: '#a37f00',
  active_down: '#7a1f1f',
  active_nolb: '#005f9e',
  active_draining: '#005f9e',
  active_no_check: '#3a3d40',
  backup_up: '#2b4466',
  backup_going_down: '#5a2080',
  backup_going_up: '#7a237a',
  backup_down: '#7a1f1f',
  backup_nolb: '#34507a',
  backup_draining: '#8a6a00',
  backup_no_check: '#3a3d40',
  maintain: '#8a5514',
};

const stateRules = (colours: Record<string, string>, indent = '') =>
  Object.entries(colours).map(([cls, c]) => `${indent}.${cls} { background: ${c}; }`).join('\n');

export const STATS_CSS = `
* { box-sizing: border-box; }
body { margin: 8px; font: 12px/1.3 Arial, Helvetica, sans-serif; color: #000; background: #fff; }
a { color: #0645ad; }
h1 { font-size: 22px; margin: 4px 0 6px; color: #0000c0; }
h2 { font-size: 20px; font-style: italic; color: #6020a0; margin: 0; }
h3 { font-size: 15px; color: #b00040; background: #e8e8d0; margin: 8px 0 4px; padding: 2px 4px; }
hr { border: 0; border-bottom: 2px solid #000; margin: 4px 0 0; }
.procinfo { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
.procinfo p { margin: 0; white-space: nowrap; }
.procinfo ul { margin: 4px 0 0; padding-left: 18px; }
.procinfo li { margin: 2px 0; }
.procinfo input[type=text] { width: 9em; }
table.legend { border-collapse: collapse; }
table.legend td { padding: 1px 4px; white-space: nowrap; }
table.legend td.swatch { width: 14px; border: 1px solid #808080; }
.note { font-size: 11px; }
.banner { margin: 8px 0; padding: 3px 6px; border-radius: 3px; }
.banner a { color: inherit; text-decoration: none; font-weight: bold; margin-right: 4px; }
.banner ul { margin: 2px 0 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 12px 0 0; }
table.px { border-collapse: collapse; width: 100%; }
table.px th, table.px td { border: 1px solid #808080; padding: 2px 3px; font-size: 10px; white-space: nowrap; }
table.px td { text-align: right; }
table.px td.c { text-align: center; }
table.px td.l { text-align: left; }
table.px th.pxname { background: #b00040; color: #ffff40; font-size: 11px; text-align: left; border-bottom: 0; }
table.px th.pxname a { color: #ffff40; text-decoration: none; }
table.px th.pxdesc { background: #fff; border: 0; text-align: left; font-weight: normal; }
table.px th.gap { border: 0; background: transparent; }
table.px tr.cols th { background: #20d0d0; color: #000; font-weight: bold; text-align: center; }
tr.frontend td, tr.backend td { background: #e8e8d0; }
tr.socket td { background: #d0d0d0; }
tr.backend td { font-weight: bold; }
td.name a { color: #000; text-decoration: none; }
.tip { position: relative; border-bottom: 1px dotted #000; cursor: help; outline: none; }
.tip > .tips { display: none; position: absolute; z-index: 10; left: 0; top: 100%; margin-top: 2px;
  padding: 3px 5px; background: #f0f060; color: #000; border: 1px solid #7040c0; border-radius: 3px;
  box-shadow: 2px 2px 3px #808080; font-size: 11px; font-weight: normal; text-align: left; white-space: nowrap; }
.tip:hover > .tips, .tip:focus > .tips, .tip:focus-within > .tips { display: block; }
.tips table { border-collapse: collapse; }
.tips th { text-align: left; padding: 0 6px 0 0; border: 0; background: none; font-size: 11px; }
.tips td { text-align: right; padding: 0 0 0 6px; border: 0; font-size: 11px; }
.actions { margin: 4px 0 0; }
@media (max-width: 600px) { .procinfo p { white-space: normal; } }
${stateRules(STATE_COLOURS)}
@media (prefers-color-scheme: dark) {
  body { color: #e8e6e3; background: #141617; }
  a { color: #5aa0ff; }
  h1 { color: #a265e0; }
  h2 { color: #a265e0; }
  h3 { color: #ff5190; background: #3e3e1f; }
  hr { border-color: #8c8273; }
  table.px th, table.px td { border-color: #606468; }
  table.px th.pxname { background: #8d0033; }
  table.px th.pxdesc { background: #141617; }
  table.px tr.cols th { background: #1a9a9a; color: #e8e6e3; }
  tr.frontend td, tr.backend td { background: #2f3437; }
  tr.socket td { background: #2a2d2f; }
  td.name a { color: #e8e6e3; }
  .tip { border-color: #e8e6e3; }
  .tip > .tips { background: #6e6e10; color: #e8e6e3; border-color: #4e2c86; box-shadow: 2px 2px 3px #000; }
  input, select { background: #2f3437; color: #e8e6e3; }
${stateRules(DARK_STATE_COLOURS, '  ')}
}
`;
