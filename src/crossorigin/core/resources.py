"""The resource table: one policy per resource pattern, built from option layers.

Framework-free, so every integration (the Flask extension, the ASGI middleware) builds
its table, and refuses a configuration, the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problems, ResourceError
from .options import OPTION_NAMES, check_names, config_key, normalize_options, options_from_config
from .paths import PathPattern, ResourceTable, parse_path_pattern
from .policy import Policy, build_policy, check_option_values

#: The options whose entries :func:`check_option_values` checks one by one.
LIST_OPTIONS = frozenset({"origins", "methods", "allow_headers", "expose_headers"})


def build_resource_table(
    layers: list[Mapping[str, Any]], *, config: Mapping[str, Any] | None = None
) -> ResourceTable[Policy]:
    """One policy per resource pattern, each over the shared option layers (after the
    ``CORS_*`` keys of ``config``, when given).

    Every resource is checked even after one fails, so the error lists them all. Each
    value is checked once, in the layer that holds it: a bad shared value is one error,
    not one per resource, and each error names its ``CORS_*`` key or resource pattern.
    """
    problems = Problems()
    scoped: list[tuple[Mapping[str, Any], bool]] = [(layer, False) for layer in layers]
    if config is not None:
        scoped.insert(0, (config, True))
    base: list[dict[str, Any]] = []
    resources: Any = None
    for layer, from_config in scoped:
        found = Problems()
        if from_config:
            layer = options_from_config(layer, problems=found)
        normalized = normalize_options(layer, problems=found)
        if "resources" in normalized:
            resources = normalized["resources"]
        values = {k: v for k, v in normalized.items() if k != "resources"}
        for name in LIST_OPTIONS.intersection(values):
            values[name] = _valid_entries(name, values[name], found)
        if from_config:
            for error in found.errors:
                error.locate(scope=_config_scope(error.option))
        problems.errors += found.errors
        base.append(values)
    if isinstance(resources, Mapping):
        items = list(resources.items())
    elif isinstance(resources, (list, tuple, set, frozenset)):
        items = [(key, {}) for key in resources]
    else:
        items = [("/*" if resources is None else resources, {})]
    entries = []
    for key, resource_options in items:
        with problems.check(scope=None if resources is None else f"resources[{key!r}]"):
            entries.append(_resource_entry(key, resource_options, base))
    problems.raise_any()
    return ResourceTable(entries)


def _valid_entries(name: str, entries: tuple[Any, ...], problems: Problems) -> tuple[Any, ...]:
    """The entries of a shared option that pass their check; the others are recorded.

    Each entry is checked here once, so the policies built over this layer (one per
    resource) never find its errors again."""
    valid = []
    for entry in entries:
        with problems.check():
            check_option_values({name: (entry,)})
            valid.append(entry)
    return tuple(valid)


def _config_scope(option: str | None) -> str:
    key = option if option is None or option.startswith("CORS_") else config_key(option)
    return "app.config" if key is None else f"app.config[{key!r}]"


def _resource_entry(
    key: Any, resource_options: Any, base: list[dict[str, Any]]
) -> tuple[PathPattern, Policy]:
    pattern = parse_path_pattern(key)
    if not isinstance(resource_options, Mapping):
        raise ResourceError(
            "E402",
            f"options for resource {key!r} must be a dict of CORS options, "
            f"got {resource_options!r}",
            option="resources",
            value=resource_options,
        )
    problems = Problems()
    with problems.check():
        check_names(resource_options, where=f" in resources[{key!r}]")
    if "resources" in resource_options:
        problems.errors.append(
            ResourceError(
                "E402", f"resources[{key!r}] cannot contain 'resources'", option="resources"
            )
        )
    known = {k: v for k, v in resource_options.items() if k in OPTION_NAMES and k != "resources"}
    policy = None
    with problems.check():
        policy = build_policy(*base, known)
    problems.raise_any()
    assert policy is not None
    return pattern, policy
