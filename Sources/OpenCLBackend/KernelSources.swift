// Kernel sources (generated).
