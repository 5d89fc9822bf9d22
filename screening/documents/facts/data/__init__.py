"""Word lists the extractor reads: data, not logic."""
