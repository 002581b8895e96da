"""The command line: `kubelint check`, `schedule`, `rules`, `explain`; exit codes; writing the report."""
