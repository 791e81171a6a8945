import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

/** Environment variable names an app's config reader uses (`env.NAME`). */
function envNamesRead(file: string): Set<string> {
  const source = readFileSync(resolve(ROOT, file), 'utf8');
  return new Set([...source.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
}

/**
 * No Docker engine runs on CI machines, so the compose file is checked statically: it must
 * parse, pin its images, wire the demo topology, and only set variables the apps really read.
 */
describe('docker-compose.yml', () => {
  // Compose resolves YAML merge keys (<<: *provider); so must the parser.
  const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;
  const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');

  it('defines etcd, two v1 providers, one v2 provider and the consumer', () => {
    expect(Object.keys(services).sort()).toEqual(['consumer', 'etcd', 'provider-v1-a', 'provider-v1-b', 'provider-v2']);
  });

  it('pins every external image to a version tag', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) continue;
      expect(service.image).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(`${name}: ${service.image}`).not.toMatch(/:latest$/);
    }
  });

  it('runs the providers with weights 1 and 3 for v1 and one v2', () => {
    const env = (name: string) => services[name].environment ?? {};
    expect([env('provider-v1-a').HELLO_VERSIONS, env('provider-v1-a').SERVICE_WEIGHT]).toEqual(['1', '1']);
    expect([env('provider-v1-b').HELLO_VERSIONS, env('provider-v1-b').SERVICE_WEIGHT]).toEqual(['1', '3']);
    expect(env('provider-v2').HELLO_VERSIONS).toBe('2');
  });

  it('only sets environment variables the apps read', () => {
    const provider = envNamesRead('apps/provider/src/provider.config.ts');
    const consumer = envNamesRead('apps/consumer/src/consumer.config.ts');
    for (const [name, service] of Object.entries(services)) {
      if (name === 'etcd') continue;
      const reads = service.environment?.APP === 'provider' ? provider : consumer;
      for (const key of Object.keys(service.environment ?? {})) {
        if (key === 'APP') continue; // read by the Dockerfile's CMD
        expect(`${name}: ${key} ${reads.has(key) ? 'is read' : 'is not read by the app'}`).toBe(`${name}: ${key} is read`);
      }
    }
    expect(dockerfile).toContain('${APP}');
  });

  it('points every app at the etcd service and waits for it to be healthy', () => {
    expect(services.etcd.healthcheck?.test.join(' ')).toContain('endpoint health');
    for (const [name, service] of Object.entries(services)) {
      if (name === 'etcd') continue;
      expect(service.environment?.ETCD_ENDPOINTS).toBe('http://etcd:2379');
      expect(service.depends_on?.etcd?.condition).toBe('service_healthy');
    }
  });

  it('never publishes etcd (no auth, no TLS in the demo) on all host interfaces: loopback only, or not at all', () => {
    for (const mapping of services.etcd.ports ?? []) {
      // Short syntax: [host_ip:]host_port:container_port; without a host_ip Docker binds 0.0.0.0 (and ::).
      const parts = String(mapping).split(':');
      expect(`${mapping} -> ${parts.length === 3 ? parts[0] : '0.0.0.0'}`).toBe(`${mapping} -> 127.0.0.1`);
    }
    expect(JSON.stringify(services.etcd.ports ?? [])).not.toMatch(/0\.0\.0\.0|\[::\]/);
  });

  it('publishes the consumer on port 3000, where it listens', () => {
    expect(services.consumer.ports).toContain('3000:3000');
    expect(services.consumer.environment?.HTTP_PORT).toBe('3000');
  });

  it('builds with a multi-stage Dockerfile that runs as non-root with production deps and a healthcheck', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM node:\d+\.\d+/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });
});
