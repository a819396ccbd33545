"""The core: errors, translation, formatting, files, YAML reading, shapes and the vocabulary."""
