/** Stick-table data types in HAProxy 2.6's internal order (the order `show table` prints them). */
export type DataTypeName =
  | 'server_id'
  | 'gpt0'
  | 'gpc0'
  | 'gpc0_rate'
  | 'conn_cnt'
  | 'conn_rate'
  | 'conn_cur'
  | 'sess_cnt'
  | 'sess_rate'
  | 'http_req_cnt'
  | 'http_req_rate'
  | 'http_err_cnt'
  | 'http_err_rate'
  | 'bytes_in_cnt'
  | 'bytes_in_rate'
  | 'bytes_out_cnt'
  | 'bytes_out_rate'
  | 'gpc1'
  | 'gpc1_rate'
  | 'server_key'
  | 'http_fail_cnt'
  | 'http_fail_rate'
  | 'gpt'
  | 'gpc'
  | 'gpc_rate';

export interface DataTypeDef {
  name: DataTypeName;
  /** counter: one integer; rate: a frequency counter; key: a string (server_key). */
  kind: 'counter' | 'rate' | 'key';
  args: 'none' | 'period' | 'count' | 'count,period';
}

const c = (name: DataTypeName): DataTypeDef => ({ name, kind: 'counter', args: 'none' });
const r = (name: DataTypeName): DataTypeDef => ({ name, kind: 'rate', args: 'period' });

export const DATA_TYPES: readonly DataTypeDef[] = [
  c('server_id'),
  c('gpt0'),
  c('gpc0'),
  r('gpc0_rate'),
  c('conn_cnt'),
  r('conn_rate'),
  c('conn_cur'),
  c('sess_cnt'),
  r('sess_rate'),
  c('http_req_cnt'),
  r('http_req_rate'),
  c('http_err_cnt'),
  r('http_err_rate'),
  c('bytes_in_cnt'),
  r('bytes_in_rate'),
  c('bytes_out_cnt'),
  r('bytes_out_rate'),
  c('gpc1'),
  r('gpc1_rate'),
  { name: 'server_key', kind: 'key', args: 'none' },
  c('http_fail_cnt'),
  r('http_fail_rate'),
  { name: 'gpt', kind: 'counter', args: 'count' },
  { name: 'gpc', kind: 'counter', args: 'count' },
  { name: 'gpc_rate', kind: 'rate', args: 'count,period' },
];
