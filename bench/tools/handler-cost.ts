/**
 * CPU cost of the server starter's handler on one call's path, in ns per call, without sockets:
 * the handler the starter's explorer builds for a method no guard, interceptor or pipe applies
 * to, called directly (`direct`), against the same method through Nest's pipeline (`nest`, what
 * the starter built before direct handlers: ExternalContextCreator's guards, interceptors, pipes
 * and error proxy, none configured). Two methods: a `@MessagePattern`-style `echo(@Payload() p)`
 * and an `@RpcService`-style `add(@Arg(0) a, @Arg(1) b)` (a custom parameter decorator per
 * argument). Each call is awaited before the next (one call in flight, as the pinned cell) or 64
 * at a time (Promise.all). CPU time of this process, medians of interleaved rounds, like
 * hook-cost.ts.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/handler-cost.ts [--calls=200000] [--rounds=7] [--out=bench/results/<file>.json]
 */
import 'reflect-metadata';
import { writeFileSync } from 'fs';
import { execSync } from 'child_process';
import { Injectable, Module } from '@nestjs/common';
import { ExternalContextCreator, NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { Arg } from '@nestrpc/server';
// Internals of the server starter (not public API): the tool builds handlers exactly as its explorer does.
import { isDirectHandler } from '@nestrpc/server/explorer/direct-handlers';
import { ROUTE_ARGS_METADATA } from '@nestrpc/server/explorer/nest-metadata';
import { rpcContextCreator } from '@nestrpc/server/explorer/rpc-context-creator';
import { RpcParamsFactory } from '@nestrpc/server/explorer/rpc-params.factory';
import { describeMachine, machineInfo } from '../lib/machine';
import { COUNT, interleavedMediansAsync, toolArg, toolNumber } from './tool-args';

@Injectable()
class Handlers {
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }
  async add(@Arg(0) a: number, @Arg(1) b: number): Promise<number> {
    return a + b;
  }
}

@Module({ providers: [Handlers] })
class HandlersModule {}

type Handler = (...args: unknown[]) => Promise<unknown>;
type Variant = 'nest-echo' | 'direct-echo' | 'nest-add' | 'direct-add';
const VARIANTS: readonly Variant[] = ['nest-echo', 'direct-echo', 'nest-add', 'direct-add'];
const BATCH = 64;
const PAYLOAD = { id: 4242, name: 'bench-user' };
const ARGS = [2, 3];

async function cpuNsPerCall(handler: Handler, args: unknown, calls: number, batch: number): Promise<number> {
  const started = process.cpuUsage();
  if (batch === 1) {
    for (let i = 0; i < calls; i++) await handler(args, 'ctx');
  } else {
    const wave: Promise<unknown>[] = new Array<Promise<unknown>>(batch);
    for (let i = 0; i < calls; i += batch) {
      for (let j = 0; j < batch; j++) wave[j] = handler(args, 'ctx');
      await Promise.all(wave);
    }
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1e3) / calls;
}

async function main(): Promise<void> {
  const calls = toolNumber('calls', COUNT) ?? 200_000;
  const rounds = toolNumber('rounds', COUNT) ?? 7;
  const app = await NestFactory.createApplicationContext(HandlersModule, { logger: false });
  const base = app.get(ExternalContextCreator);
  const instance = app.get(Handlers);
  const build = (direct: boolean, method: 'echo' | 'add'): Handler =>
    rpcContextCreator(base, { direct }).create(instance, instance[method] as (...args: unknown[]) => unknown, method, ROUTE_ARGS_METADATA, new RpcParamsFactory(), undefined, undefined, { guards: true, interceptors: true, filters: true }, 'rpc') as Handler;
  const handlers: Record<Variant, Handler> = { 'nest-echo': build(false, 'echo'), 'direct-echo': build(true, 'echo'), 'nest-add': build(false, 'add'), 'direct-add': build(true, 'add') };
  if (VARIANTS.some((variant) => isDirectHandler(handlers[variant]) !== variant.startsWith('direct-'))) throw new Error('handlers did not take the paths measured');

  const medians = await interleavedMediansAsync(rounds, VARIANTS, async (variant) => {
    const args = variant.endsWith('echo') ? PAYLOAD : ARGS;
    return { oneNs: await cpuNsPerCall(handlers[variant], args, calls, 1), batchNs: await cpuNsPerCall(handlers[variant], args, calls, BATCH) };
  });
  await app.close();

  const ns = (variant: Variant, figure: 'oneNs' | 'batchNs') => Math.round(medians.get(variant)![figure]);
  const result = Object.fromEntries(
    (['echo', 'add'] as const).map((method) => [
      method,
      {
        nestNsPerCallInFlight1: ns(`nest-${method}`, 'oneNs'),
        directNsPerCallInFlight1: ns(`direct-${method}`, 'oneNs'),
        nestNsPerCallBatch64: ns(`nest-${method}`, 'batchNs'),
        directNsPerCallBatch64: ns(`direct-${method}`, 'batchNs'),
      },
    ]),
  );
  process.stdout.write(`handler cost per call (median of ${rounds} rounds × ${calls} calls) on ${describeMachine(machineInfo())}\n`);
  for (const [method, figures] of Object.entries(result)) {
    process.stdout.write(
      `${method}: one in flight: Nest's pipeline ${figures.nestNsPerCallInFlight1} ns, direct ${figures.directNsPerCallInFlight1} ns; ` +
        `${BATCH} at a time: Nest's pipeline ${figures.nestNsPerCallBatch64} ns, direct ${figures.directNsPerCallBatch64} ns\n`,
    );
  }
  const out = toolArg('out');
  if (out !== undefined) {
    const commit = execSync('git rev-parse --short HEAD').toString().trim();
    const dirty = execSync('git status --porcelain').toString().trim() !== '';
    const body = { date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/handler-cost.ts', commit, dirty, calls, rounds, batch: BATCH, machine: machineInfo(), result };
    writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
