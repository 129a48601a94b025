// Node-only entry point (fs, zlib): never imported by the browser bundle.
export {};
