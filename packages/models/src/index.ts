// Public surface of @aekit/models: filled in by its issue.
export {};
