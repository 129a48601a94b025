// Public surface of @aekit/layers: filled in by its issue.
export {};
