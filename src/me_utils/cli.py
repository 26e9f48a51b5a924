"""The ``me`` command: one entry point, each subcommand implemented in its own module.

Each subcommand module exposes ``cli(argv: list[str]) -> int``; this file only dispatches, so
modules can grow their options without touching each other.
"""

from __future__ import annotations

import importlib
import sys

SUBCOMMANDS = {
    "demo": ("me_utils.demo.generate", "cli", "write the illustrative demo data (deterministic from a seed)"),
    "template": ("me_utils.intake.template", "cli", "write an xlsx submission template for a department"),
    "validate": ("me_utils.intake.submissions", "cli_validate", "validate submission files (xlsx/csv)"),
    "build": ("me_utils.evidence.base", "cli_build", "rebuild <root>/processed from <root>/raw with a manifest"),
    "report": ("me_utils.runner", "cli", "run the report notebooks and render HTML"),
    "catalogue": ("me_utils.reference.catalogue", "cli", "check and list the indicator catalogue"),
}


def _usage() -> str:
    lines = ["usage: me <command> [options]", "", "commands:"]
    for name, (_, _, text) in SUBCOMMANDS.items():
        lines.append(f"  {name:<10} {text}")
    lines.append("")
    lines.append("`me <command> --help` shows the options of a command.")
    return "\n".join(lines)


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing its optional ``rfc3987_syntax`` checker in this process.

    nbformat (under papermill and nbconvert) loads jsonschema, whose import of the optional
    ``rfc3987_syntax`` compiles a Lark grammar: 2.1 s of every ``me`` start on this machine
    (``python -X importtime``; python-jsonschema/jsonschema#1392). It only checks the ``iri``
    and ``iri-reference`` formats, which no notebook schema uses: nbformat's schemas have no
    ``format`` keyword at all. Marked absent, jsonschema skips that one checker as if the
    package were not installed; every other check is unchanged.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``me <command> ...``; returns the process exit code."""
    skip_slow_optional_imports()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"me: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module, func, _ = SUBCOMMANDS[name]
    fn = getattr(importlib.import_module(module), func)
    return int(fn(rest) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
