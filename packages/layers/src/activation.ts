/**
 * The activations the reference notebooks use: relu (000, 001), sigmoid
 * (outputs of 000–004), softplus (000 lists it), tanh (003), linear (latent
 * layers of 002 and the VAEs). Names are tfjs-layers' own identifiers, so a
 * saved layer reloads in tfjs and Keras unchanged.
 */
export type ActivationName = 'relu' | 'sigmoid' | 'softplus' | 'tanh' | 'linear';

export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'sigmoid', 'softplus', 'tanh', 'linear'];

/** Validates an activation name; `who` names the caller in the error. */
export function checkActivation(who: string, activation: unknown): ActivationName {
  if (activation === undefined) return 'linear';
  if (typeof activation === 'string' && (ACTIVATIONS as readonly string[]).includes(activation)) {
    return activation as ActivationName;
  }
  throw new Error(
    `${who}: activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, found ${
      typeof activation === 'string' ? `'${activation}'` : String(activation)
    }`,
  );
}
