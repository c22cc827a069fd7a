import type { Output } from '../../src/cli/output.js';

/** An {@link Output} that keeps everything written, for asserting on the full CLI output. */
export class CaptureOutput implements Output {
  readonly interactive = false;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];

  line(text = ''): void {
    this.stdout.push(text);
  }

  json(value: unknown): void {
    this.stdout.push(JSON.stringify(value, null, 2));
  }

  note(text: string): void {
    this.stderr.push(text);
  }

  progress(): void {}

  /** stdout and stderr joined. */
  get all(): string {
    return [...this.stdout, ...this.stderr].join('\n');
  }
}
