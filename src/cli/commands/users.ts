import type { Command } from 'commander';
import { SignInThrottle, UserStore } from '../../auth/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { promptSecret, readStdin } from '../prompt.js';

/** `carepool users create|list|signout|unlock` and `carepool tokens create|revoke`. */
export function registerUsers(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('people who may sign in (stored on every target)');

  users
    .command('create')
    .argument('<name>', 'user name (lower-case letters, digits, . _ -)')
    .description('create a user, or reset the role and password of an existing one')
    .requiredOption(
      '--role <role>',
      'viewer (read), clinician (read + write), admin (also operations and users)',
    )
    .option('--password-stdin', 'read the password from standard input instead of a prompt')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { role: string; passwordStdin?: boolean; json?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : await promptSecret(`password for ${name}: `);
      const store = new UserStore(await ctx.registry());
      const written = await store.upsertUser(name, opts.role, password);
      if (opts.json) ctx.out.json({ user: name, role: opts.role, targets: written });
      else ctx.out.line(`user "${name}" (${opts.role}) saved on ${written.join(', ')}`);
    });

  users
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await new UserStore(await ctx.registry()).listUsers();
      if (opts.json) ctx.out.json({ users: list });
      else
        ctx.out.line(
          table(
            ['user', 'role', 'state'],
            list.map((u) => [u.username, u.role, u.disabled ? 'disabled' : 'active']),
          ),
        );
    });

  users
    .command('signout')
    .argument('<name>', 'user name')
    .description('end every session of the user on every instance')
    .action(async (name: string) => {
      await new UserStore(await ctx.registry()).endSessions(name);
      ctx.out.line(`every session of "${name}" has ended`);
    });

  users
    .command('unlock')
    .argument('<name>', 'user name (as typed at sign-in; unknown names are throttled too)')
    .description('clear the sign-in back-off of a user name, from every client address, on every target')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const written = await new SignInThrottle(await ctx.registry()).unlock(name);
      if (opts.json) ctx.out.json({ user: name, unlocked: true, targets: written });
      else ctx.out.line(`sign-in back-off of "${name}" cleared on ${written.join(', ')}`);
    });

  const tokens = program.command('tokens').description('API tokens (Authorization: Bearer …), stored hashed');
  tokens
    .command('create')
    .argument('<name>', 'a label for the token, e.g. the program that uses it')
    .requiredOption('--user <user>', 'the user the token acts as (its role applies)')
    .option('--json', 'print JSON')
    .description('create an API token; it is shown once and cannot be read back')
    .action(async (name: string, opts: { user: string; json?: boolean }) => {
      const token = await new UserStore(await ctx.registry()).createToken(opts.user, name);
      if (opts.json) ctx.out.json({ name, user: opts.user, token });
      else {
        ctx.out.line(token);
        ctx.out.note(`token "${name}" for ${opts.user}: copy it now, it is stored only as a hash`);
      }
    });
  tokens
    .command('revoke')
    .argument('<name>', 'the token label')
    .requiredOption('--user <user>', 'the user the token belongs to')
    .description('revoke a token (every instance stops accepting it within seconds)')
    .action(async (name: string, opts: { user: string }) => {
      await new UserStore(await ctx.registry()).revokeTokens(opts.user, name);
      ctx.out.line(`token "${name}" of ${opts.user} revoked`);
    });
}
