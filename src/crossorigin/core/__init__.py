"""The framework-free core: origins, path patterns, policies and decisions (stdlib only)."""
