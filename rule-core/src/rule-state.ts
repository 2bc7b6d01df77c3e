import type { RuleStateCheckpoint } from '../../contracts/src/index.js';
import type { Derivations } from './derived/derivations.js';
import type { RuleEngine } from './engine/engine.js';

/**
 * Everything the processor keeps under `id` (a device, a camera site, an air station's VN_AQI),
 * from the engine and the derived readings, as one checkpoint; undefined when neither holds
 * anything. See RuleEngine.checkpoint for when to take it.
 */
export function takeRuleState(engine: RuleEngine, derivations: Derivations, id: string, takenAt: number): RuleStateCheckpoint | undefined {
  const checkpoint = engine.checkpoint(id, takenAt);
  return checkpoint === undefined ? undefined : { ...checkpoint, ...derivations.save(id, checkpoint.place.domain) };
}

/** Continues the engine and the derived readings from a checkpoint (see RuleEngine.restore). */
export function restoreRuleState(engine: RuleEngine, derivations: Derivations, checkpoint: RuleStateCheckpoint): { restored: number; dropped: number } {
  derivations.load(checkpoint);
  return engine.restore(checkpoint);
}
