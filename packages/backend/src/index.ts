// Public surface of @aekit/backend: filled in by its issue.
export {};
