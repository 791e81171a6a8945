/**
 * CPU cost of the instrumentation hooks on one call's path, in ns per call, without sockets: the
 * exact hook calls the transport makes for one request on the server (frame in, call start,
 * handler, frame out, end) and on the client (call start, callback wrapper, final packet), for
 * nothing installed, tracing without an SDK, metrics, and both. A loaded machine moves req/s by
 * ±20 % between runs; this figure is this process's CPU time alone, so it holds far stiller. Divide it by the per-call
 * CPU of the uninstrumented bench cell (both processes) to get the share instrumentation adds.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/hook-cost.ts [--calls=500000] [--rounds=7] [--out=bench/results/<file>.json]
 */
import { writeFileSync } from 'fs';
import { installRpcInstrumentation, RpcInstrumentation, rpcInstrumentation } from '@nestrpc/transport';
// Internals the transport's call path uses (not public API): the tool replays that path exactly.
import { endProbeWith } from '@nestrpc/transport/instrumentation/instrumentation-hub';
import { FrameMetadata } from '@nestrpc/transport/protocol';
import { createRpcTracing } from '@nestrpc/observability/tracing/rpc-tracing';
import { RpcMetrics } from '@nestrpc/observability/metrics/rpc-metrics';
import { Registry } from 'prom-client';
import { describeMachine, machineInfo } from '../lib/machine';
import { COUNT, interleavedMedians, toolArg, toolNumber } from './tool-args';

type Variant = 'none' | 'tracing' | 'metrics' | 'tracing+metrics';
const VARIANTS: readonly Variant[] = ['none', 'tracing', 'metrics', 'tracing+metrics'];

function install(variant: Variant): () => void {
  const list: RpcInstrumentation[] = [];
  if (variant === 'tracing' || variant === 'tracing+metrics') list.push(createRpcTracing());
  if (variant === 'metrics' || variant === 'tracing+metrics') list.push(new RpcMetrics({ registry: new Registry() }));
  const uninstalls = list.map((i) => installRpcInstrumentation(i));
  return () => uninstalls.forEach((u) => u());
}

let sink = 0;
const handler = (n: number): number => n + 1;
const callback = (packet: { response?: unknown; err?: unknown; isDisposed?: boolean }): void => void (sink += packet.isDisposed === true ? 1 : 0);

/** What server-connection.ts does around one request, hooks only. */
function serverCall(i: number): void {
  rpcInstrumentation()?.serverFrameIn?.();
  const meta: FrameMetadata = { pattern: 'Bench.echo' };
  const probe = rpcInstrumentation()?.serverCall?.({ pattern: 'Bench.echo', meta, peer: '127.0.0.1:40000', kind: 'call' });
  sink += probe?.run === undefined ? handler(i) : probe.run(() => handler(i));
  rpcInstrumentation()?.serverFrameOut?.();
  probe?.end(undefined);
}

/** What client-connection.ts does around one request, hooks only. */
function clientCall(): void {
  const meta: FrameMetadata = { pattern: 'Bench.echo' };
  let onPacket = callback;
  const probe = rpcInstrumentation()?.clientCall?.({ pattern: 'Bench.echo', meta, peer: '127.0.0.1:4000', kind: 'call' });
  const probed = probe === undefined ? undefined : endProbeWith(probe, onPacket);
  if (probed !== undefined) onPacket = probed.callback;
  onPacket({ response: 1, isDisposed: true });
}

/** CPU time (user + system) of this process, not wall time: time other processes take the core is not counted. */
function nsPerCall(side: 'server' | 'client', calls: number): number {
  const started = process.cpuUsage();
  if (side === 'server') for (let i = 0; i < calls; i++) serverCall(i);
  else for (let i = 0; i < calls; i++) clientCall();
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1e3) / calls;
}

function main(): void {
  const calls = toolNumber('calls', COUNT) ?? 500_000;
  const rounds = toolNumber('rounds', COUNT) ?? 7;
  const medians = interleavedMedians(rounds, VARIANTS, (variant) => {
    const uninstall = install(variant);
    const figures = { server: nsPerCall('server', calls), client: nsPerCall('client', calls) };
    uninstall();
    return figures;
  });
  const results = VARIANTS.map((variant) => {
    const { server, client } = medians.get(variant)!;
    return { variant, serverNsPerCall: Math.round(server), clientNsPerCall: Math.round(client) };
  });
  const base = results[0];
  process.stdout.write(`hook cost per call (median of ${rounds} rounds × ${calls} calls) on ${describeMachine(machineInfo())}\n\n| variant | server ns/call | client ns/call | added over none (server + client) |\n|---|--:|--:|--:|\n`);
  for (const r of results) process.stdout.write(`| ${r.variant} | ${r.serverNsPerCall} | ${r.clientNsPerCall} | ${r.serverNsPerCall + r.clientNsPerCall - base.serverNsPerCall - base.clientNsPerCall} ns |\n`);
  const out = toolArg('out');
  if (out !== undefined) writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/hook-cost.ts', calls, rounds, machine: machineInfo(), results }, null, 2)}\n`);
  if (sink === -1) process.stdout.write('');
}

main();
