import { CODES } from './codes/index.js';

/** Renders docs/errors.md from the registry, so the docs can never drift from the code. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error carepool reports carries one of these stable codes, a message quoting what was wrong, and a hint.',
    'The CLI prints them (or `--json`), the API returns `{ "error": { "code", "message", "hint", "fields"? } }`.',
    'This file is generated from `src/errors/codes/` by `npm run docs:errors`; a test keeps it in sync.',
    '',
    '| code | exit | HTTP | what happened | how to fix |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [code, spec] of Object.entries(CODES)) {
    lines.push(
      `| \`${code}\` | ${spec.exit} | ${spec.http} | ${spec.title} | ${spec.hint.replaceAll('|', '\\|')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
