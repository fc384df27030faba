"""Flask-level tests of the crossorigin extension (a package, so module names stay unique)."""
