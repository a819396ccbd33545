"""The application: one run of the pipeline, explain, doctor and init."""
