import type { FastifyRequest } from 'fastify';
import type { TargetRegistry } from '../../db/targets.js';
import type { TargetStatus } from '../plugins/target-status.js';
import type { Banner, LayoutData } from './render.js';

/** Where layout data comes from. */
export interface LayoutSource {
  readonly registry: TargetRegistry;
  readonly status: TargetStatus;
}

/**
 * Layout data for a page: the target list for the navigation, a banner for every target whose last
 * connection attempt failed (read from memory so rendering never waits on a database), the signed-in user
 * and the session's anti-forgery token for forms.
 */
export function layoutData(
  source: LayoutSource,
  page: { title: string; nav: string; banners?: readonly Banner[]; script?: string },
  request: FastifyRequest,
): LayoutData {
  const targets = source.registry.names().map((name) => ({ name, down: source.status.down(name) }));
  const shown = new Set((page.banners ?? []).map((b) => b.title));
  const down: Banner[] = [];
  for (const t of targets) {
    if (t.down && !shown.has(downTitle(t.name))) down.push(downBanner(t.name, t.down));
  }
  return {
    title: page.title,
    nav: page.nav,
    layoutTargets: targets.map((t) => ({ name: t.name, down: t.down !== undefined })),
    banners: [...(page.banners ?? []), ...down],
    ...(page.script ? { script: page.script } : {}),
    actor: request.actor && { name: request.actor.name, role: request.actor.role },
    formToken: request.formToken,
  };
}

const downTitle = (target: string) => `Target ${target} is down.`;

/** The banner for a target that cannot be reached. */
export function downBanner(target: string, error: { message: string; hint: string }): Banner {
  return { kind: 'down', title: downTitle(target), message: error.message, hint: error.hint };
}
