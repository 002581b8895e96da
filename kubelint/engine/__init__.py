"""The pipeline: read, validate, run the rules (serially or in processes), turn problems into findings."""
