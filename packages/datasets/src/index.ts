// Public surface of @aekit/datasets: filled in by its issue.
export {};
