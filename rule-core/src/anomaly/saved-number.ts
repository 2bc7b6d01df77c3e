/** A number as a checkpoint keeps it: JSON has no NaN or infinity, so "none yet" is null. */
export function toSaved(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The number `toSaved` kept; null comes back as NaN, which every class here reads as "none yet". */
export function fromSaved(value: number | null): number {
  return value ?? NaN;
}
