import fs from 'node:fs';
import path from 'node:path';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import type { Manifest } from '../helpers/manifests';
import { KUBERNETES, ROOT, execForm, parseDockerfile, readKustomization, readYamlDocuments } from '../helpers/manifests';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform, unusedUrl } from '../helpers/platform';
import { exitOf, startScript } from '../helpers/process';

/** Every probe the Kubernetes manifests give a workload's container: the workload's name, the probe, its path. */
function kubernetesProbes(): Array<{ workload: string; probe: string; path: string }> {
  const base = readKustomization(path.join(KUBERNETES, 'base'));
  return base.resources
    .filter((resource) => resource.kind === 'StatefulSet' || resource.kind === 'Deployment')
    .flatMap((workload) =>
      (['startupProbe', 'livenessProbe', 'readinessProbe'] as const).map((probe) => ({
        workload: String(workload.metadata.name),
        probe,
        path: String((workload.spec.template.spec.containers[0] as Manifest)[probe].httpGet.path),
      })),
    );
}

/** Given a healthcheck command (after CMD), runs it as the container would, in the environment given. */
async function runHealthcheck(command: string[], environment: Record<string, string>): Promise<number | null> {
  const [, script, ...args] = command;
  const child = startScript(path.basename(script!), args, { ...process.env, LOG_LEVEL: 'silent', ...environment });
  return (await exitOf(child)).code;
}

describe('the probes of the deployment files, asked of a running platform', () => {
  let seeded: SeededPlatform;

  beforeAll(async () => {
    seeded = await startSeededPlatform(20);
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  /** Given a workload's name (dsp-gateway, dsp-<sector>), returns the base URL of the server it runs. */
  const serverOf = (workload: string): string => {
    const sector = workload.replace(/^dsp-/, '') as BuiltInSector;
    return workload === 'dsp-gateway' ? seeded.platform.gateway.url : seeded.platform.subgraphs[sector].url;
  };

  it('finds a path that answers 200 for every Kubernetes probe', async () => {
    const probes = kubernetesProbes();
    expect(probes).toHaveLength(3 * (1 + BUILT_IN_SECTORS.length));
    for (const { workload, probe, path: probePath } of probes) {
      let response = await fetch(new URL(probePath, serverOf(workload)));
      // A readiness report is made afresh once a second: one that saw a check time out on a loaded machine is asked again.
      for (let attempt = 0; attempt < 4 && response.status === 503; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        response = await fetch(new URL(probePath, serverOf(workload)));
      }
      expect([workload, probe, probePath, response.status]).toEqual([workload, probe, probePath, 200]);
    }
  });

  it("passes the image's HEALTHCHECK on a running gateway, and fails it where nothing listens", async () => {
    const instructions = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
    const healthcheck = instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')!;
    const command = execForm(healthcheck.arguments.slice(healthcheck.arguments.indexOf('CMD')));
    const port = new URL(seeded.platform.gateway.url).port;
    expect(await runHealthcheck(command, { HOST: '0.0.0.0', PORT: port })).toBe(0);
    expect(await runHealthcheck(command, { HOST: '127.0.0.1', PORT: new URL(await unusedUrl()).port })).toBe(1);
  });

  it("passes each compose subgraph's healthcheck on that subgraph", async () => {
    const [compose] = readYamlDocuments(path.join(ROOT, 'compose.yaml')) as [Manifest];
    for (const sector of BUILT_IN_SECTORS) {
      const command = (compose.services[sector].healthcheck.test as string[]).slice(1);
      const port = new URL(seeded.platform.subgraphs[sector].url).port;
      expect([sector, await runHealthcheck(command, { HOST: '127.0.0.1', [`${sector.toUpperCase()}_PORT`]: port })]).toEqual([sector, 0]);
    }
  });
});
