"""The report's context: what a report template receives, built from the advice document."""
