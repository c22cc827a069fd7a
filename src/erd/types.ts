/**
 * The ERD model: what a diagram shows, derived from a {@link Schema} (./build-model.ts) and rendered by the
 * DOT, Mermaid and Markdown renderers. Plain frozen data, so the web app can serialise it as JSON too.
 */

/** Crow's-foot cardinality of one end of a relationship (how many rows of that table per row of the other). */
export type Cardinality = 'exactly-one' | 'zero-or-one' | 'zero-or-more' | 'one-or-more';

/** Key markers shown next to a column. */
export type KeyMarker = 'PK' | 'FK' | 'UK';

/**
 * How an element differs between the two schemas of a comparison (`erd --target a,b`): only on the left
 * target, only on the right one, or on both with different definitions (`left`/`right` describe each).
 */
export type Change =
  | { readonly kind: 'only-left' }
  | { readonly kind: 'only-right' }
  | { readonly kind: 'changed'; readonly left: string; readonly right: string };

/** One column of an entity. */
export interface ErdAttribute {
  readonly name: string;
  /** SQL type as MySQL prints it, e.g. `varchar(50)`, `int unsigned`. */
  readonly type: string;
  readonly nullable: boolean;
  readonly keys: readonly KeyMarker[];
  readonly autoIncrement: boolean;
  /** Default as SQL text (`NULL`, `'x'`, `CURRENT_TIMESTAMP`), when there is one. */
  readonly default?: string;
  readonly comment?: string;
  readonly change?: Change;
}

/** A secondary index shown under the columns. */
export interface ErdIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly change?: Change;
}

/** One table. */
export interface ErdEntity {
  readonly name: string;
  readonly attributes: readonly ErdAttribute[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly ErdIndex[];
  readonly comment?: string;
  readonly change?: Change;
}

/**
 * A foreign key seen as a relationship: `child.columns` reference `parent.columns`.
 * `parentCardinality` is how many parents one child row has (exactly one when the FK columns are NOT NULL,
 * zero or one otherwise); `childCardinality` is how many children one parent row has (zero or one when the
 * FK columns are unique in the child, zero or more otherwise: MySQL cannot enforce "at least one").
 */
export interface ErdRelationship {
  readonly name: string;
  readonly child: string;
  readonly childColumns: readonly string[];
  readonly parent: string;
  readonly parentColumns: readonly string[];
  readonly parentCardinality: Cardinality;
  readonly childCardinality: Cardinality;
  /** True when the FK columns are part of the child's primary key (drawn solid; non-identifying is dashed). */
  readonly identifying: boolean;
  readonly onDelete: string;
  readonly onUpdate: string;
  readonly change?: Change;
}

/** A whole diagram. Entities are sorted by name; relationships by child, then name. */
export interface ErdModel {
  readonly title: string;
  readonly entities: readonly ErdEntity[];
  readonly relationships: readonly ErdRelationship[];
  /** Set when the model merges two schemas: the names of the left and right sides. */
  readonly compared?: { readonly left: string; readonly right: string };
}
