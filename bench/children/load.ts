/**
 * The load generator in its own process, so that it can be pinned apart from (or beside) what it measures.
 * The parent hands it the fixtures once, then one job per run, over IPC.
 * Usage: node --import tsx bench/children/load.ts
 */
import { answerParentCalls, tellParent } from '../ipc';
import type { LoadJob } from '../load';
import { runLoad } from '../load';
import type { Fixtures } from '../shapes';

let fixtures: Fixtures | null = null;

answerParentCalls({
  fixtures(value: Fixtures) {
    fixtures = value;
    return null;
  },
  run(job: LoadJob) {
    if (!fixtures) throw new Error('no fixtures: call fixtures before run');
    return runLoad(job, fixtures);
  },
});
tellParent({ kind: 'ready', url: '' });
