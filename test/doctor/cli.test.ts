import { describe, expect, it } from 'vitest';
import { CliContext } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/main.js';
import { type CarepoolConfig, loadConfig } from '../../src/config/index.js';
import { sandboxEnv, userUrl } from '../../src/sandbox/index.js';
import { CaptureOutput } from '../erd/capture.js';
import { sandboxServers } from '../harness/targets.js';
import { passwordsOf } from './helpers.js';

function contextFor(config: CarepoolConfig, out: CaptureOutput): CliContext {
  class Ctx extends CliContext {
    override config(): CarepoolConfig {
      return config;
    }
  }
  return new Ctx({ out });
}

describe('carepool doctor', () => {
  it('prints cause and fix for a failing target, exits 1, and prints no password', async () => {
    const { azure, gcp } = sandboxServers();
    const wrong = 'N0t-The-Passw0rd-q7';
    const env = {
      ...sandboxEnv({ servers: { azure, gcp } }),
      CAREPOOL_TARGET_GCP_URL: userUrl(gcp, 'app').replace(
        `:${encodeURIComponent(gcp.users.app.password)}@`,
        `:${wrong}@`,
      ),
    };
    const config = loadConfig({ env, dotenv: false });
    const out = new CaptureOutput();
    expect(await runCli(['doctor'], contextFor(config, out))).toBe(1);
    const text = out.all;
    expect(text).toMatch(
      /^azure {2}mysql:\/\/carepool_app:\*\*\*@127\.0\.0\.1:\d+\/clinic\?ssl-mode=VERIFY_IDENTITY/m,
    );
    expect(text).toMatch(
      /FAIL {2}auth +target "gcp" \(127\.0\.0\.1:\d+\) denied access for user "carepool_app"/,
    );
    expect(text).toContain('cause: The server rejected user "carepool_app" connecting from 127.0.0.1');
    expect(text).toContain('fix:   Check the password in CAREPOOL_TARGET_GCP_URL');
    expect(text).toMatch(/doctor: azure (ok|WARN), gcp FAIL/);
    for (const secret of [...passwordsOf(azure, gcp), wrong]) expect(text).not.toContain(secret);

    const json = new CaptureOutput();
    expect(await runCli(['doctor', '--target', 'gcp', '--json'], contextFor(config, json))).toBe(1);
    const report = JSON.parse(json.stdout.join('\n')) as {
      status: string;
      targets: { target: string; findings: { check: string; code?: string }[] }[];
    };
    expect(report.status).toBe('fail');
    expect(report.targets.map((t) => t.target)).toEqual(['gcp']);
    expect(report.targets[0]?.findings.find((f) => f.check === 'auth')?.code).toBe(
      'CAREPOOL_DB_ACCESS_DENIED',
    );
    for (const secret of [...passwordsOf(azure, gcp), wrong]) expect(json.all).not.toContain(secret);
  });

  it('rejects a bad --instances value as a usage error', async () => {
    const out = new CaptureOutput();
    const { azure, gcp } = sandboxServers();
    const config = loadConfig({ env: sandboxEnv({ servers: { azure, gcp } }), dotenv: false });
    expect(await runCli(['doctor', '--instances', 'zero'], contextFor(config, out))).toBe(2);
    expect(out.all).toContain('CAREPOOL_USAGE');
  });
});
