import { describe, expect, it } from 'vitest';
import { sanitizeSvg } from '../../src/web/views/safe-svg.js';

const wrap = (inner: string) =>
  `<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- x -->\n<svg width="10pt" xmlns="http://www.w3.org/2000/svg">${inner}</svg>\n`;

describe('sanitizeSvg', () => {
  it('keeps shapes and escaped text, drops prolog, comments, links, handlers and styles', () => {
    const out = sanitizeSvg(
      wrap(
        '<g id="n1" class="node" onclick="alert(1)"><!-- t&lt;b&gt; --><title>a&lt;b&gt;</title>' +
          '<a xlink:href="javascript:alert(1)" xlink:title="fk"><path d="M0,0" style="x"/></a>' +
          '<text x="1" y="2">&lt;script&gt;</text></g>',
      ),
    );
    expect(out).toBe(
      '<svg width="10pt" xmlns="http://www.w3.org/2000/svg"><g id="n1" class="node"><title>a&lt;b&gt;</title>' +
        '<a xlink:title="fk"><path d="M0,0"/></a><text x="1" y="2">&lt;script&gt;</text></g></svg>\n',
    );
  });

  it('refuses elements outside the allow-list and malformed markup instead of repairing them', () => {
    for (const bad of [
      wrap('<script>alert(1)</script>'),
      wrap('<foreignObject><div/></foreignObject>'),
      wrap('<g><text>x</g></text>'),
      wrap('<g x=1></g>'),
      `${wrap('')}<img src=x>`,
      '<svg><g>',
      'no svg',
    ]) {
      expect(() => sanitizeSvg(bad), bad).toThrow(
        expect.objectContaining({ code: 'CAREPOOL_ERD_RENDER_FAILED' }),
      );
    }
  });
});
