"""Rendering: the report context, templates, PDF, charts, the deck and the manager briefs."""
