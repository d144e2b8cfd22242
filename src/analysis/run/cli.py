"""The ``analysis`` command line: demo, build, run, note, fetch.

Each sub-command lives in its own module, which provides ``configure_parser(parser)``
and ``run_command(args) -> int``; modules are imported only when their command runs,
so ``analysis --help`` stays fast. A user-facing error (:class:`AnalysisError`) is
printed as one line on stderr with exit code 2; nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from analysis.core.errors import AnalysisError, quote

COMMANDS = {
    "demo": ("analysis.demo.dataset", "write the synthetic demo dataset (Demodata) to data/raw/demo"),
    "build": ("analysis.data.build", "turn the raw files under data/raw into validated tidy data in data/processed"),
    "run": ("analysis.run.execute", "execute the notebooks and write HTML reports to outputs/"),
    "note": ("analysis.run.note", "write the status-note draft (statusnotat_<period>.docx) beside the reports"),
    "fetch": ("analysis.sources.fetch", "fetch real data from the Jobindsats API and Statistics Denmark into data/raw"),
}


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but its messages quote a user's value as every other message does (at most ~80 characters)."""

    def error(self, message: str):
        super().error(re.sub(r"'([^'\n]{81,})'", lambda m: quote(m.group(1)), message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="analysis", description="Jobcentre labour-market analyses.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module_name)
        # Options are added by the module itself, lazily, only for the command being run.
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Find the command first, then let its module add its options and parse again.
    command = next((a for a in argv if not a.startswith("-")), None)
    if command in COMMANDS:
        module = importlib.import_module(COMMANDS[command][0])
        sub = parser._subparsers._group_actions[0].choices[command]  # noqa: SLF001
        module.configure_parser(sub)
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return int(module.run_command(args) or 0)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C: 130; `analysis run` stopped by SIGTERM: 143 (128 + the signal)
        print("interrupted", file=sys.stderr)
        return int(getattr(exc, "exit_code", 130))


if __name__ == "__main__":
    sys.exit(main())
