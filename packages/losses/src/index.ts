// Public surface of @aekit/losses: filled in by its issue.
export {};
