import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests (admin URL), or '' with why not in `databaseProblem`. */
    databaseUrl: string;
    databaseProblem: string;
  }
}

const script = path.resolve(import.meta.dirname, '../../.ci/pg-cluster');

/**
 * The tests' PostgreSQL: TEST_DATABASE_URL when set (.ci/run starts a
 * throw-away cluster and sets it), else a throw-away cluster started here and
 * stopped after the run. Without PostgreSQL's programs only the tests that
 * need it fail, each saying so.
 */
export default function setup(project: TestProject): () => void {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    project.provide('databaseProblem', '');
    return () => undefined;
  }
  let started: string;
  try {
    started = execFileSync(script, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    project.provide('databaseUrl', '');
    project.provide('databaseProblem', String((e as { stderr?: string }).stderr || e));
    return () => undefined;
  }
  const [url, dir] = started.split(' ');
  project.provide('databaseUrl', url!);
  project.provide('databaseProblem', '');
  return () => {
    execFileSync(script, ['stop', dir!], { stdio: 'ignore' });
  };
}
