// Public surface of @aekit/trainers: filled in by its issue.
export {};
