// tfjs-core on its own registers no gradient kernels: `tf.variableGrads` fails
// with "gradient function not found for Mean" until something registers them.
// Importing @tensorflow/tfjs-layers does so as a side effect (its Node entry
// bundles tfjs-core's register_all_gradients; the ESM file
// `@tensorflow/tfjs-core/dist/register_all_gradients.js` cannot be loaded by
// Node directly). Every module of this package that computes gradients imports
// this file, and package.json `sideEffects` lists the built files that carry it,
// so a bundler never drops the registration.
import '@tensorflow/tfjs-layers';
