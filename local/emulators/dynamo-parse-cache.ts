/**
 * Parsed expressions, remembered. dynalite parses every ConditionExpression, UpdateExpression,
 * KeyConditionExpression, FilterExpression and ProjectionExpression of every request with generated
 * PEG parsers; in the local runtime that was the largest single cost of the emulator (about 15 % of
 * the whole process), for a few dozen distinct expressions.
 *
 * The parsers resolve `#names` and `:values` while parsing and check operand types then, so a parse
 * result depends on the expression, the names, the *types* of the values and (for BETWEEN) the values
 * themselves. This cache:
 * - keys a result by parser, expression, key-condition flag, the names and each value's type, and
 *   never caches an expression with BETWEEN (its check compares the bounds' values);
 * - keeps the first parse's tree, which holds that request's value objects, and answers a later
 *   request with a copy of the tree in which each of those objects is replaced by the new request's
 *   value of the same placeholder;
 * - marks the placeholders the first parse used as used (dynalite refuses unused ones afterwards);
 * - checks itself: the first hits of each entry are parsed for real as well and compared; an entry
 *   whose copy differs is dropped and never cached again (every request then parsed as before).
 * Parse errors are never cached: such requests are parsed (and refused) as before.
 */
import { createRequire } from 'node:module';

type Json = Record<string, unknown>;
interface ParseContext {
  attrNames?: Record<string, string>;
  attrVals?: Record<string, Json>;
  unusedAttrNames?: Record<string, boolean>;
  unusedAttrVals?: Record<string, boolean>;
  isKeyCondition?: boolean;
}
type Parse = (text: string, options: { context: ParseContext }) => unknown;
interface Entry {
  tree: unknown;
  values: Record<string, Json>;
  usedNames: string[];
  usedValues: string[];
  checksLeft: number;
}

const CHECKED_HITS = 2;
const require = createRequire(import.meta.url);
const cache = new Map<string, Entry | 'uncacheable'>();
let installed = false;

/** Counters, for tests: hits answered from the cache, and entries dropped by the self-check. */
export const parseCacheStats = { hits: 0, dropped: 0 };

function typeOf(value: Json | undefined): string {
  if (!value || typeof value !== 'object') return '?';
  return Object.keys(value).sort().join('+');
}

function keyOf(kind: string, text: string, ctx: ParseContext): string {
  const names = ctx.attrNames ? JSON.stringify(ctx.attrNames) : '';
  const values = ctx.attrVals
    ? Object.keys(ctx.attrVals)
        .sort()
        .map((k) => `${k}=${typeOf(ctx.attrVals?.[k])}`)
        .join(',')
    : '';
  return `${kind}\u0000${ctx.isKeyCondition ? 'K' : ''}\u0000${text}\u0000${names}\u0000${values}`;
}

function copyWith(node: unknown, substitutes: Map<unknown, unknown>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (substitutes.has(node)) return substitutes.get(node);
  if (Array.isArray(node)) return node.map((n) => copyWith(n, substitutes));
  const out: Json = {};
  for (const k of Object.keys(node)) out[k] = copyWith((node as Json)[k], substitutes);
  return out;
}

function cached(kind: string, parse: Parse): Parse {
  return (text, options) => {
    const ctx = options.context;
    if (/between/i.test(text)) return parse(text, options);
    const key = keyOf(kind, text, ctx);
    const entry = cache.get(key);
    if (entry === 'uncacheable') return parse(text, options);
    if (!entry) {
      const unusedNames = Object.keys(ctx.unusedAttrNames ?? {});
      const unusedValues = Object.keys(ctx.unusedAttrVals ?? {});
      const tree = parse(text, options); // throws on a parse error: nothing cached
      const values = { ...(ctx.attrVals ?? {}) };
      cache.set(key, {
        // A copy: dynalite's actions rewrite the tree they are given (updateItem resolves values in
        // place). The values themselves stay the same objects, to be replaced in every later copy.
        tree: copyWith(tree, new Map(Object.values(values).map((v) => [v, v]))),
        values,
        usedNames: unusedNames.filter((n) => !ctx.unusedAttrNames?.[n]),
        usedValues: unusedValues.filter((v) => !ctx.unusedAttrVals?.[v]),
        checksLeft: CHECKED_HITS,
      });
      return tree;
    }
    const substitutes = new Map<unknown, unknown>(
      Object.entries(entry.values).map(([k, v]) => [v, ctx.attrVals?.[k]]),
    );
    const tree = copyWith(entry.tree, substitutes);
    if (entry.checksLeft > 0) {
      entry.checksLeft--;
      const real = parse(text, options);
      if (JSON.stringify(real) !== JSON.stringify(tree)) {
        cache.set(key, 'uncacheable');
        parseCacheStats.dropped++;
        return real;
      }
      return tree;
    }
    for (const n of entry.usedNames) delete ctx.unusedAttrNames?.[n];
    for (const v of entry.usedValues) delete ctx.unusedAttrVals?.[v];
    parseCacheStats.hits++;
    return tree;
  };
}

/** Puts the cache in front of dynalite's three expression parsers (once per process). */
export function cacheDynaliteParses(): void {
  if (installed) return;
  installed = true;
  for (const name of ['conditionParser', 'updateParser', 'projectionParser']) {
    const parser = require(`dynalite/db/${name}`) as { parse: Parse };
    parser.parse = cached(name, parser.parse.bind(parser));
  }
}
