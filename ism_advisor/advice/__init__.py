"""The advice: the knowledge base, the rule engine, facts, recommendations and the JSON document."""
