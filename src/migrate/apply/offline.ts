import { ancestorsOf, type Chain, resolveRevision } from '../files/graph.js';
import { scriptStatement } from '../objects/session.js';
import { BOOKKEEPING_DDL, historySqlText } from '../history/history-store.js';
import { type ServerInfo, serverLabel } from '../server.js';
import { type Direction, type PlannedStep, renderSteps, selectSteps } from './plan.js';

/** Options of {@link offlinePlan}. */
export interface OfflineOptions {
  readonly to: string;
  readonly direction: Direction;
  /** The revision the database is assumed to be at (`base` = empty). Default: base for up, head for down. */
  readonly from?: string;
  readonly server: ServerInfo;
}

/**
 * The plan without a database (Alembic's offline mode): the same pure selection and rendering `up` uses,
 * so the statements are exactly those a live run executes on a server of that flavor and version.
 */
export function offlinePlan(chain: Chain, options: OfflineOptions): PlannedStep[] {
  const from = resolveRevision(chain, options.from ?? (options.direction === 'up' ? 'base' : 'heads'));
  let applied: Set<string>;
  if (from === 'base') applied = new Set();
  else if (from === 'heads') applied = new Set(chain.order);
  else applied = ancestorsOf(chain, from);
  return renderSteps(
    chain,
    applied,
    selectSteps(chain, applied, options.to, options.direction),
    options.server,
  );
}

/** The offline plan as a SQL script: bookkeeping DDL, each revision's statements and its history row. */
export function offlineSql(chain: Chain, options: OfflineOptions, title = 'carepool migrate --sql'): string {
  const steps = offlinePlan(chain, options);
  const out = [
    `-- ${title}`,
    `-- rendered for ${serverLabel(options.server)}; statements run one by one (DDL commits implicitly)`,
    '',
  ];
  out.push(...BOOKKEEPING_DDL.map((d) => `${d};`), '');
  for (const step of steps) {
    out.push(`-- ${step.revision.id} (${step.direction}): ${step.revision.message}`);
    for (const st of step.statements) {
      if (st.online.algorithm) out.push(`-- ${st.online.algorithm}: ${st.online.reason}`);
      out.push(scriptStatement(st));
    }
    out.push(`${historySqlText(step.revision, step.direction, step.statements.length)};`, '');
  }
  if (steps.length === 0) out.push('-- nothing to do');
  return `${out.join('\n')}\n`;
}
