"""Cross-resource references: what every object refers to (references) and the run's index resolving them (graph)."""
