"""Services: the one place domain operations happen. Each takes the acting user, runs in the
caller's transaction, flushes, and raises a ServiceError (nothing written) when it refuses."""
