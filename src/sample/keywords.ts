/** The shapes of sample fetches and converters, their registries, and what compiling them can see. */
import { Registry } from '../core/registry.js';
import type { ArgSpec, ArgValue } from './args.js';
import type { SampleContext } from './context.js';
import type { MapCache } from './mapfile.js';
import type { Userlist } from './userlist.js';
import type { Capability, Sample, SampleType, Usage } from './types.js';

/** Names a config may refer to; the parser passes what it knows so that typos are caught early. */
export interface ConfigRefs {
  hasBackend?(name: string): boolean;
  hasFrontend?(name: string): boolean;
  hasServer?(backend: string, server: string): boolean;
  userlist?(name: string): Userlist | undefined;
}

export interface CompileEnv {
  usage: Usage;
  /** Directory that relative map and pattern files are read from (the config file's). */
  baseDir: string;
  refs?: ConfigRefs;
  maps: MapCache;
  /** True when compiling an ACL: multi-valued fetches then test every value. */
  inAcl: boolean;
}

export type Prepared<P> = { value: P } | { error: string };

export interface FetchDef<P = unknown> {
  name: string;
  args: ArgSpec;
  out: SampleType;
  /** What it needs from the stream; a function for direction-dependent fetches like hdr(). */
  needs: Capability | ((usage: Usage) => Capability);
  prepare?(args: ArgValue[], env: CompileEnv): Prepared<P>;
  /** One value, or several when an ACL is to test each (hdr without an occurrence). */
  fetch(p: P, ctx: SampleContext): Sample | readonly Sample[] | undefined;
}

export interface ConvDef<P = unknown> {
  name: string;
  args: ArgSpec;
  in: SampleType;
  out: SampleType;
  prepare?(args: ArgValue[], env: CompileEnv): Prepared<P>;
  conv(p: P, input: Sample, ctx: SampleContext): Sample | undefined;
}

export const fetches = new Registry<FetchDef>('sample fetch');
export const converters = new Registry<ConvDef>('converter');

/** Registers a fetch whose prepared-argument type is P (the registry stores them type-erased). */
export function defineFetch<P = ArgValue[]>(def: FetchDef<P>): void {
  fetches.add(def.name, def as unknown as FetchDef);
}

export function defineConverter<P = ArgValue[]>(def: ConvDef<P>): void {
  converters.add(def.name, def as unknown as ConvDef);
}

export const NO_ARGS: ArgSpec = { types: [], min: 0 };
