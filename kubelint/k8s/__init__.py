"""Kubernetes knowledge shared by every stage: object helpers, quantities, selectors, workloads, API validation."""
