// Passes
