import type { Cardinality } from './types.js';

/**
 * Crow's-foot notation tables shared by the renderers (research/erd_load_stack.md §1.4). Graphviz draws the
 * first arrow shape closest to the node, so "crowodot" is the crow at the table and the circle outside it:
 * the maximum (many) sits next to the entity, the minimum (zero) further out, as in Workbench and Mermaid.
 */
export const GRAPHVIZ_ARROW: Readonly<Record<Cardinality, string>> = {
  'exactly-one': 'teetee',
  'zero-or-one': 'teeodot',
  'zero-or-more': 'crowodot',
  'one-or-more': 'crowtee',
};

/** UML-style multiplicity, printed next to each end of an edge for readers who do not know crow's feet. */
export const MULTIPLICITY: Readonly<Record<Cardinality, string>> = {
  'exactly-one': '1',
  'zero-or-one': '0..1',
  'zero-or-more': '0..*',
  'one-or-more': '1..*',
};

/** Mermaid erDiagram tokens for the left (`patients ||`) and right (`o{ medical_records`) ends. */
export const MERMAID_LEFT: Readonly<Record<Cardinality, string>> = {
  'exactly-one': '||',
  'zero-or-one': '|o',
  'zero-or-more': '}o',
  'one-or-more': '}|',
};

/** See {@link MERMAID_LEFT}. */
export const MERMAID_RIGHT: Readonly<Record<Cardinality, string>> = {
  'exactly-one': '||',
  'zero-or-one': 'o|',
  'zero-or-more': 'o{',
  'one-or-more': '|{',
};
