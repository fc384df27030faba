"""Hardening suite: properties, hostile input, configuration fuzzing, load and logs."""
