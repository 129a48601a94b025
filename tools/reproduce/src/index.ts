// Public surface of @aekit/reproduce: what `npm run reproduce` and `aekit reproduce` call.
export { reproduce, repoRoot, REPRODUCE_SEED, type ReproduceOptions, type Reproduction } from './reproduce';
export { recordEstimate } from './record-estimate';
export { estimateReproduction, type Estimate } from './estimate';
export { measureFigure, compareFigure, RELATIVE_TOLERANCE, type MeasuredFigure, type Comparison } from './measure';
export { recipeData, QUICK_TRAIN, QUICK_VALIDATION, type RecipeData } from './recipe-data';
export { drawPictures, NOTEBOOK_003_NOISE, type Picture } from './pictures';
export { upsertReproduction, formatRow, parseRow, COLUMNS, type ReproductionRow } from './table';
export { machineInfo, describeMachine, aekitVersion, type MachineInfo } from './machine';
