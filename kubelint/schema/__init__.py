"""Kubernetes schemas: the bundled per-version OpenAPI definitions and CRDs from the input."""
