import { version } from '../package.json';

/** This package's version, recorded in every aekit.json it writes. */
export const MODELS_VERSION: string = version;
