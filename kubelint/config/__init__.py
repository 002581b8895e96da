"""Configuration: `.kubelint.yaml` / `[tool.kubelint]`, the run's Options, and objects declared external."""
