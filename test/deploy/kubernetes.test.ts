import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { loadConfig } from '../../common/config';
import { BUILT_IN_SECTORS, sectorNamed } from '../../common/sectors';
import { configurationVariables } from '../../common/configVariables';
import { isInside } from '../../common/environment';
import type { JsonPatchOperation, Kustomization, Manifest } from '../helpers/manifests';
import {
  KUBERNETES,
  ROOT,
  configurationProblems,
  matchesLabelSelector,
  npmScriptOf,
  patchTargets,
  readKustomization,
  whyNotApplicable,
} from '../helpers/manifests';

const VARIABLES = new Set(configurationVariables());
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULTS = loadConfig({});
/** Settings that hold a secret, or a database credential: from a Secret only. */
const SECRET = /PASSWORD|SIGNING_KEY$|^MYSQL_USER$/;
const OVERLAYS = ['production', 'development'] as const;
const OPERATORS_GUIDE = fs.readFileSync(path.join(KUBERNETES, 'README.md'), 'utf8');

const base = readKustomization(path.join(KUBERNETES, 'base'));
const overlays = Object.fromEntries(OVERLAYS.map((name) => [name, readKustomization(path.join(KUBERNETES, 'overlays', name))])) as Record<
  (typeof OVERLAYS)[number],
  Kustomization
>;

/** Given a kustomization, returns its objects of a kind. */
function ofKind(kustomization: Kustomization, kind: string): Manifest[] {
  return kustomization.resources.filter((resource) => resource.kind === kind);
}

/** Given a kustomization and an object's kind and name, returns it, or throws. */
function named(kustomization: Kustomization, kind: string, name: string): Manifest {
  const found = kustomization.resources.find((resource) => resource.kind === kind && resource.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** The platform's workloads: the gateway and one per sector, with the port and command each must have. */
const WORKLOADS = [
  { kind: 'StatefulSet', name: 'dsp-gateway', port: DEFAULTS.gatewayPort, npmScript: 'start:gateway', args: [] as string[] },
  ...BUILT_IN_SECTORS.map((sector) => ({
    kind: 'Deployment',
    name: `dsp-${sector}`,
    port: sectorNamed(DEFAULTS.sectors, sector).port,
    npmScript: 'start:subgraph',
    args: [sector as string],
  })),
];

/** Given a kustomization, returns the data of dsp-config with its overlays' and components' patches merged, in order. */
function configData(kustomization: Kustomization): Record<string, string> {
  const data = { ...named(kustomization, 'ConfigMap', 'dsp-config').data };
  for (const patch of kustomization.patches)
    for (const document of patch.documents) if (document.kind === 'ConfigMap' && document.metadata?.name === 'dsp-config') Object.assign(data, document.data);
  return data;
}

/** Every env entry, envFrom entry and secret volume a kustomization gives a workload's container, patches included. */
function containerSettings(kustomization: Kustomization, workload: Manifest) {
  const container = workload.spec.template.spec.containers[0];
  const env: Manifest[] = [...(container.env ?? [])];
  const envFrom: Manifest[] = [...(container.envFrom ?? [])];
  const volumes: Manifest[] = [...(workload.spec.template.spec.volumes ?? [])];
  const mounts: Manifest[] = [...(container.volumeMounts ?? [])];
  for (const patch of kustomization.patches) {
    if (patch.target) {
      if (!patchTargets(patch.target, workload)) continue;
      for (const operation of patch.documents.flat() as JsonPatchOperation[]) {
        const value = operation.value as Manifest;
        if (/\/containers\/0\/env\/-$/.test(operation.path)) env.push(value);
        if (/\/containers\/0\/envFrom\/-$/.test(operation.path)) envFrom.push(value);
        if (/\/spec\/volumes\/-$/.test(operation.path)) volumes.push(value);
        if (/\/containers\/0\/volumeMounts\/-$/.test(operation.path)) mounts.push(value);
      }
      continue;
    }
    for (const document of patch.documents) {
      if (document.kind !== workload.kind || document.metadata?.name !== workload.metadata.name) continue;
      const patched = document.spec?.template?.spec;
      env.push(...(patched?.containers?.[0]?.env ?? []));
      envFrom.push(...(patched?.containers?.[0]?.envFrom ?? []));
      mounts.push(...(patched?.containers?.[0]?.volumeMounts ?? []));
      volumes.push(...(patched?.volumes ?? []));
    }
  }
  return { container, env, envFrom, volumes, mounts };
}

describe('the kustomizations', () => {
  it('name only files that exist, and every manifest is named by one', () => {
    const named = new Set([...base.files, ...overlays.production.files, ...overlays.development.files]);
    const manifests: string[] = [];
    const walk = (directory: string) => {
      for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(entry.name)) manifests.push(full);
      }
    };
    walk(KUBERNETES);
    expect(manifests.filter((file) => !named.has(file)).map((file) => path.relative(ROOT, file))).toEqual([]);
  });

  it.each(OVERLAYS)('%s: every patch finds its target and applies to it', (overlay) => {
    const kustomization = overlays[overlay];
    for (const patch of kustomization.patches) {
      const where = path.relative(ROOT, patch.file);
      if (patch.target) {
        const targets = kustomization.resources.filter((resource) => patchTargets(patch.target!, resource));
        expect([where, targets.length > 0]).toEqual([where, true]);
        for (const target of targets)
          for (const operation of patch.documents.flat() as JsonPatchOperation[])
            expect([where, target.metadata.name, operation.path, whyNotApplicable(target, operation)]).toEqual([
              where,
              target.metadata.name,
              operation.path,
              null,
            ]);
        continue;
      }
      for (const document of patch.documents) {
        const target = named(kustomization, document.kind, document.metadata.name);
        const containers: Manifest[] = document.spec?.template?.spec?.containers ?? [];
        for (const container of containers) expect(target.spec.template.spec.containers.map((existing: Manifest) => existing.name)).toContain(container.name);
      }
    }
  });

  it.each(OVERLAYS)("%s: tags the image with the platform's version", (overlay) => {
    expect(overlays[overlay].images).toEqual([{ name: 'dsp-platform', newTag: VERSION }]);
  });
});

describe.each(WORKLOADS)('$name', ({ kind, name, port, npmScript, args }) => {
  const workload = named(base, kind, name);
  const container = workload.spec.template.spec.containers[0];
  const podLabels: Record<string, string> = workload.spec.template.metadata.labels;

  it('runs the platform image with a command an npm script runs', () => {
    expect(container.image).toBe('dsp-platform');
    expect(npmScriptOf(container.command)).toEqual({ npmScript, args });
  });

  it("listens on the configuration's default port, named http, behind a Service of the same port", () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    const service = named(base, 'Service', name);
    expect(matchesSelector(service.spec.selector, podLabels)).toBe(true);
    expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
  });

  it('is probed on /health (startup, liveness) and /ready (readiness)', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    // The gateway's readiness answers within 1 s (its checks are bounded at 800 ms).
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThanOrEqual(1);
  });

  it('asks for resources, runs as a user that is not root, and may not gain privileges', () => {
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits.memory).toBeDefined();
    const pod = workload.spec.template.spec.securityContext;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // tsx keeps its compiled sources in /tmp: writable although the root file system is not.
    expect(container.volumeMounts.map((mount: Manifest) => mount.mountPath)).toContain('/tmp');
  });

  it('has a PodDisruptionBudget and a HorizontalPodAutoscaler', () => {
    const budgets = ofKind(base, 'PodDisruptionBudget').filter((budget) => matchesSelector(budget.spec.selector.matchLabels, podLabels));
    expect(budgets).toHaveLength(1);
    expect(budgets[0]!.spec.maxUnavailable).toBe(1);
    const autoscalers = ofKind(base, 'HorizontalPodAutoscaler').filter(
      (autoscaler) => autoscaler.spec.scaleTargetRef.kind === kind && autoscaler.spec.scaleTargetRef.name === name,
    );
    expect(autoscalers).toHaveLength(1);
    expect(autoscalers[0]!.spec.minReplicas).toBeLessThanOrEqual(autoscalers[0]!.spec.maxReplicas);
    expect(autoscalers[0]!.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it.each(OVERLAYS)('%s: every variable it is given is read by the configuration; secrets come from Secrets only', (overlay) => {
    const { env, envFrom } = containerSettings(overlays[overlay], named(overlays[overlay], kind, name));
    for (const entry of env) {
      expect([entry.name, VARIABLES.has(entry.name)]).toEqual([entry.name, true]);
      if (SECRET.test(entry.name)) expect([entry.name, entry.valueFrom?.secretKeyRef]).toEqual([entry.name, expect.any(Object)]);
    }
    for (const secret of ['SUBGRAPH_SIGNING_KEY', 'MYSQL_USER', 'MYSQL_PASSWORD']) expect(env.map((entry) => entry.name)).toContain(secret);
    // Secrets are never read whole into the environment: each variable is named.
    expect(envFrom.filter((source) => source.secretRef)).toEqual([]);
    const sources = envFrom.map((source) => source.configMapRef.name);
    expect(sources).toEqual(overlay === 'production' ? ['dsp-config', 'dsp-audit-trust', 'dsp-citizen-sign-in'] : ['dsp-config']);
  });
});

/** Given a selector's labels and a pod's, tells whether the selector picks the pod. */
function matchesSelector(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('the configuration the manifests give', () => {
  it.each(OVERLAYS)('%s: names only variables the configuration reads, holds no secret, and matches the ports and Services', (overlay) => {
    const data = configData(overlays[overlay]);
    for (const [variable, value] of Object.entries(data)) {
      expect([variable, VARIABLES.has(variable)]).toEqual([variable, true]);
      expect([variable, SECRET.test(variable)]).toEqual([variable, false]);
      expect(String(value)).not.toMatch(/PRIVATE KEY/);
    }
    expect(data.PORT).toBe(String(DEFAULTS.gatewayPort));
    const tls = data.SUBGRAPH_TLS_SERVER_CERT !== undefined;
    for (const sector of BUILT_IN_SECTORS) {
      const port = sectorNamed(DEFAULTS.sectors, sector).port;
      const prefix = sector.toUpperCase();
      expect(data[`${prefix}_PORT`]).toBe(String(port));
      expect(data[`${prefix}_URL`]).toBe(`${tls ? 'https' : 'http'}://dsp-${sector}:${port}/graphql`);
      expect(named(overlays[overlay], 'Service', `dsp-${sector}`).spec.ports[0].port).toBe(port);
    }
    expect(tls).toBe(overlay === 'production');
  });

  it('development: every process starts with it', () => {
    const environment = { ...configData(overlays.development), GATEWAY_INSTANCE: 'dsp-gateway-0', SUBGRAPH_SIGNING_KEY: 'k'.repeat(40) };
    expect(configurationProblems(environment)).toEqual([]);
  });

  it('production: every process starts with it once the audit trust and the mounted files are there', () => {
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const data = configData(overlays.production);
    const environment = {
      ...data,
      GATEWAY_INSTANCE: 'dsp-gateway-0',
      SUBGRAPH_SIGNING_KEY: 'k'.repeat(40),
      AUDIT_TRUSTED_KEYS: publicKey,
      AUDIT_WITNESS_URLS: 'https://witness.invalid/',
      AUDIT_WITNESS_KEYS: publicKey,
      CITIZEN_OIDC_ISSUER: 'https://id.invalid/',
      CITIZEN_OIDC_CLIENT_ID: 'dsp',
      CITIZEN_OIDC_REDIRECT_URL: 'https://dsp.invalid/citizen/callback',
    };
    expect(data.NODE_ENV).toBe('production');
    // The certificates are mounted from Secrets in the cluster; here only their absence may be reported.
    const mounted = Object.entries(data).filter(([variable]) => variable.startsWith('SUBGRAPH_TLS_'));
    expect(configurationProblems(environment).sort()).toEqual(
      mounted.map(([variable, file]) => `${variable} names a file that cannot be read: ${file}`).sort(),
    );
    // The operators' guide names each setting of dsp-audit-trust.
    for (const variable of ['AUDIT_TRUSTED_KEYS', 'AUDIT_WITNESS_URLS', 'AUDIT_WITNESS_KEYS']) expect(OPERATORS_GUIDE).toContain(`--from-literal=${variable}=`);
    expect(OPERATORS_GUIDE).toContain('create configmap dsp-audit-trust');
    for (const variable of ['CITIZEN_OIDC_ISSUER', 'CITIZEN_OIDC_CLIENT_ID', 'CITIZEN_OIDC_REDIRECT_URL'])
      expect(OPERATORS_GUIDE).toContain(`--from-literal=${variable}=`);
  });

  it('production: each file the configuration names lies in a Secret mounted where the workloads read it', () => {
    const data = configData(overlays.production);
    const files = ['AUDIT_SIGNING_KEY_FILE', ...Object.keys(data).filter((variable) => variable.startsWith('SUBGRAPH_TLS_'))];
    expect(files.length).toBeGreaterThan(1);
    for (const { kind, name } of WORKLOADS) {
      const { volumes, mounts } = containerSettings(overlays.production, named(overlays.production, kind, name));
      for (const variable of files) {
        if (variable === 'AUDIT_SIGNING_KEY_FILE' && kind !== 'StatefulSet') continue;
        const mount = mounts.find((candidate) => isInside(data[variable]!, candidate.mountPath));
        const volume = volumes.find((candidate) => candidate.name === mount?.name);
        expect([name, variable, volume?.secret?.secretName]).toEqual([name, variable, expect.any(String)]);
        expect(mount?.readOnly).toBe(true);
      }
    }
    expect(isInside(data.AUDIT_SIGNING_KEY_FILE!, data.AUDIT_DIRECTORY!)).toBe(false);
  });
});

describe('the Secrets', () => {
  it('are never written into base or production: no Secret object, no generator', () => {
    for (const kustomization of [base, overlays.production]) {
      expect(ofKind(kustomization, 'Secret')).toEqual([]);
      expect(kustomization.patches.flatMap((patch) => patch.documents).filter((document) => document.kind === 'Secret')).toEqual([]);
      expect(kustomization.secretGenerators).toEqual([]);
    }
  });

  it('that the workloads read are generated for development and made by the operators for production, key by key', () => {
    const references = new Map<string, Set<string>>();
    const refer = (secret: string, key: string) => references.set(secret, new Set([...(references.get(secret) ?? []), key]));
    for (const overlay of OVERLAYS)
      for (const { kind, name } of WORKLOADS) {
        const { env, volumes } = containerSettings(overlays[overlay], named(overlays[overlay], kind, name));
        for (const entry of env) if (entry.valueFrom?.secretKeyRef) refer(entry.valueFrom.secretKeyRef.name, entry.valueFrom.secretKeyRef.key);
        for (const volume of volumes)
          if (volume.secret)
            for (const key of volume.secret.items?.map((item: Manifest) => item.key) ?? ['ca.crt', 'tls.crt', 'tls.key']) refer(volume.secret.secretName, key);
      }
    const generated = new Map(
      overlays.development.secretGenerators.map((generator) => [generator.name, new Set(generator.literals.map((literal) => literal.split('=')[0]))]),
    );
    for (const [secret, keys] of references) {
      expect(OPERATORS_GUIDE).toContain(`create secret generic ${secret} `);
      for (const key of keys) {
        expect([secret, key, OPERATORS_GUIDE.includes(`--from-literal=${key}=`) || OPERATORS_GUIDE.includes(`--from-file=${key}`)]).toEqual([
          secret,
          key,
          true,
        ]);
        // Development mounts no file from a Secret: only what it generates.
        if (generated.has(secret)) expect([secret, generated.get(secret)!.has(key)]).toEqual([secret, true]);
      }
    }
    expect([...generated.keys()].sort()).toEqual(['dsp-database', 'dsp-signing']);
  });
});

describe('the network policy', () => {
  const policies = ofKind(base, 'NetworkPolicy');
  const gatewayLabels: Record<string, string> = named(base, 'StatefulSet', 'dsp-gateway').spec.template.metadata.labels;

  it.each(BUILT_IN_SECTORS)('lets only the gateway reach the %s subgraph', (sector) => {
    const labels: Record<string, string> = named(base, 'Deployment', `dsp-${sector}`).spec.template.metadata.labels;
    const selecting = policies.filter((policy) => matchesSelector(policy.spec.podSelector.matchLabels, labels));
    expect(selecting.length).toBeGreaterThan(0);
    for (const policy of selecting) {
      expect(policy.spec.policyTypes).toContain('Ingress');
      for (const rule of policy.spec.ingress) {
        expect(rule.from.length).toBeGreaterThan(0);
        for (const peer of rule.from) {
          expect(Object.keys(peer)).toEqual(['podSelector']);
          expect(matchesSelector(peer.podSelector.matchLabels, gatewayLabels)).toBe(true);
          expect(matchesSelector(peer.podSelector.matchLabels, labels)).toBe(false);
        }
        expect(rule.ports).toEqual([{ port: 'http' }]);
      }
    }
  });

  it("selects each workload by labels its pods carry, and the gateway's selector by a label string", () => {
    expect(matchesLabelSelector('app.kubernetes.io/component=gateway,app.kubernetes.io/part-of=dsp', gatewayLabels)).toBe(true);
    expect(matchesLabelSelector('app.kubernetes.io/component=subgraph', gatewayLabels)).toBe(false);
  });
});

describe('the gateway', () => {
  const gateway = named(base, 'StatefulSet', 'dsp-gateway');
  const container = gateway.spec.template.spec.containers[0];
  const data = configData(base);

  it('names its audit chain after its stable pod name', () => {
    const instance = container.env.find((entry: Manifest) => entry.name === 'GATEWAY_INSTANCE');
    expect(instance.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
  });

  it("keeps the audit's checkpoints and outbox on a volume of each replica's own", () => {
    expect(data.AUDIT_OUTBOX).toBe('on');
    const claim = gateway.spec.volumeClaimTemplates[0];
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    const mount = container.volumeMounts.find((candidate: Manifest) => candidate.name === claim.metadata.name);
    expect(mount.mountPath).toBe(data.DATA_DIR);
    expect(isInside(data.AUDIT_DIRECTORY!, mount.mountPath)).toBe(true);
    expect(loadConfig(data).audit.outboxDirectory.startsWith(mount.mountPath)).toBe(true);
  });
});
