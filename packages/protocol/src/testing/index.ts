/**
 * Test helpers other packages' tests may use: the fast-check building blocks of the JSON fuzz
 * suites (unsafe text, big values, mutations of JSON values and of their text).
 */
export {
  Big,
  bigSplicer,
  damage,
  deepNesting,
  hugeString,
  mutate,
  mutationOp,
  replacementValue,
  taint,
  TAINTS,
  textDamage,
  unsafeText,
  type BigSplicer,
  type Json,
  type MutateOptions,
  type MutationKind,
  type MutationOp,
  type TextDamage,
} from './fuzz.ts';
