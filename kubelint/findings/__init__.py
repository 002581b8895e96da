"""What happens to findings after the rules: suppressions, the baseline, secret masking, escaping for print."""
