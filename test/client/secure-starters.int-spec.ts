import { CanActivate, ExecutionContext, INestApplicationContext, Inject, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx } from '@nestjs/microservices';
import { RpcClientModule, RpcClusterManager } from '@nestrpc/client';
import { RpcServerModule, RpcService } from '@nestrpc/server';
import { AuthenticationError, ForbiddenError, RpcAuthRequest, RpcContext, RpcServerAuthOptions } from '@nestrpc/transport';
import { createTestPki, TestPki } from '../support/certificates';
import { LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';

/** What a provider tells about a call: which instance served it and who it says called. */
interface Seen {
  instance: string;
  subject?: string;
  kind?: string;
  certificate?: string;
}

export abstract class VaultService {
  abstract whoami(): Promise<Seen>;
  abstract open(): Promise<string>;
}

const INSTANCE = Symbol('INSTANCE');

@Injectable()
class OpenersOnly implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToRpc().getContext<RpcContext>().getIdentity()?.claims.scope === 'open';
  }
}

@RpcService(VaultService, { version: '1.0.0' })
class Vault implements VaultService {
  static opened = 0;
  constructor(@Inject(INSTANCE) private readonly name: string) {}
  async whoami(@Ctx() ctx?: RpcContext): Promise<Seen> {
    const identity = ctx?.getIdentity();
    return { instance: this.name, subject: identity?.subject, kind: identity?.kind, certificate: identity?.certificate?.commonName };
  }
  @UseGuards(OpenersOnly)
  async open(): Promise<string> {
    Vault.opened++;
    return 'opened';
  }
}

/**
 * Both starters locked down: providers require a token (verified per connection) over mTLS
 * and register in an etcd that takes only TLS clients with certificates; consumers get all of
 * it through forRootAsync, and the cluster client sends the credential to every instance.
 */
describe('starters with token auth, mTLS and etcd TLS', () => {
  let pki: TestPki;
  let etcd: LocalEtcd;
  const namespace = `secure-${process.pid}`;
  const verified: RpcAuthRequest[] = [];
  const apps: INestApplicationContext[] = [];
  const auth: RpcServerAuthOptions = {
    verifyToken: ({ credential }) => {
      if (credential === 'reader-token') return { sub: 'reader', scope: 'read' };
      if (credential === 'opener-token') return { sub: 'opener', scope: 'open' };
      return false;
    },
  };

  const etcdCredentials = (subject: string) => {
    const pair = pki.client(subject);
    return { rootCertificate: pki.ca, certChain: pair.cert, privateKey: pair.key };
  };

  async function startProvider(name: string): Promise<void> {
    @Module({
      imports: [
        RpcServerModule.forRootAsync({
          useFactory: async () => ({
            listen: { host: '127.0.0.1', port: 0 },
            namespace,
            registry: { etcd: { hosts: etcd.endpoints, credentials: etcdCredentials(`/CN=${name}`) } },
            deregisterGraceMs: 0,
            transport: {
              tls: { ...pki.server, ca: pki.ca, requestCert: true },
              auth: { verifyToken: (req) => (verified.push(req), auth.verifyToken(req)) },
            },
          }),
        }),
      ],
      providers: [{ provide: INSTANCE, useValue: name }, Vault],
    })
    class ProviderModule {}
    const app = await NestFactory.createApplicationContext(ProviderModule, { logger: false });
    await app.init();
    apps.push(app);
  }

  async function startConsumer(credentials: string | (() => Promise<string>), withCertificate = true): Promise<VaultService> {
    @Module({
      imports: [
        RpcClientModule.forRootAsync({
          useFactory: async () => ({
            registry: { etcd: { hosts: etcd.endpoints, credentials: etcdCredentials('/CN=consumer') } },
            namespace,
            defaults: {
              timeoutMs: 3_000,
              retries: 1,
              transport: { credentials, tls: { ca: pki.ca, ...(withCertificate ? pki.client('/CN=consumer') : {}) } },
            },
          }),
        }),
        RpcClientModule.forFeature([{ contract: VaultService, balancer: 'round-robin', methods: { whoami: { idempotent: true } } }]),
      ],
    })
    class ConsumerModule {}
    const app = await NestFactory.createApplicationContext(ConsumerModule, { logger: false });
    await app.init();
    apps.push(app);
    // Discovery first (etcd over TLS worked); what the providers make of the consumer is each test's question.
    const manager = app.get(RpcClusterManager);
    await waitFor(() => manager.describe().some((d) => d.service === 'VaultService' && d.instances.length === 2), 'both providers discovered', 10_000);
    return app.get(VaultService);
  }

  beforeAll(async () => {
    pki = createTestPki();
    etcd = await startEtcd({ tls: { ca: pki.files.ca, cert: pki.files.serverCert, key: pki.files.serverKey } });
    await startProvider('p1');
    await startProvider('p2');
  }, 60_000); // openssl, etcd start (with its retries) and two apps on a loaded machine

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await etcd?.stop();
    pki?.dispose();
  });

  it('reaches both instances with the credential and client certificate; each sees the identity', async () => {
    let issued = 0;
    const vault = await startConsumer(async () => (issued++, 'reader-token'));
    const served = new Map<string, Seen>();
    await waitFor(async () => {
      const seen = await vault.whoami();
      served.set(seen.instance, seen);
      return served.size === 2;
    }, "both instances to answer", 15_000);
    expect([...served.values()]).toEqual(
      expect.arrayContaining([
        { instance: 'p1', subject: 'reader', kind: 'token', certificate: 'consumer' },
        { instance: 'p2', subject: 'reader', kind: 'token', certificate: 'consumer' },
      ]),
    );
    // The provider function was asked once per instance connection (probe clients included), never per call.
    expect(issued).toBeGreaterThanOrEqual(2);
    expect(verified.filter((r) => r.credential === 'reader-token').length).toBe(issued);
  });

  it('a guard on an @RpcService method refuses by identity: ForbiddenError, handler not run', async () => {
    const reader = await startConsumer('reader-token');
    await expect(reader.open()).rejects.toBeInstanceOf(ForbiddenError);
    expect(Vault.opened).toBe(0);
    const opener = await startConsumer('opener-token');
    await expect(opener.open()).resolves.toBe('opened');
    expect(Vault.opened).toBe(1);
  });

  it('a consumer with a wrong token gets AuthenticationError, not an answer', async () => {
    const vault = await startConsumer('forged');
    const error = await vault.whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
  });

  it('a consumer without a client certificate gets no answer', async () => {
    const vault = await startConsumer('reader-token', false);
    const outcome = await vault.whoami().then((value) => ({ value }), (error: unknown) => ({ error }));
    expect(outcome).not.toHaveProperty('value');
  });
});
