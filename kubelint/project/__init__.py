"""The project around a run's files: its root and manifests, kustomizations, Helm charts and bundles."""
