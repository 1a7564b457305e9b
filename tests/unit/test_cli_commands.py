"""The command line knows every command by name without loading the commands' modules,
which opening the window does not need (start-up, benchmark B1)."""

from __future__ import annotations

import subprocess
import sys

from crmdesk import cli, cli_duplicates, cli_person


def test_every_command_the_parser_describes_is_a_known_command() -> None:
    parser = cli._parser(commands_too=True)
    described = next(
        a for a in parser._actions if a.dest == "command" and a.choices is not None
    ).choices
    assert set(described) == set(cli.COMMANDS)
    assert set(cli_duplicates.COMMANDS) <= set(cli.COMMANDS)
    assert cli_person.COMMAND in cli.COMMANDS


def test_opening_the_window_does_not_load_the_commands() -> None:
    code = (
        "import sys; from crmdesk import cli; cli._parser(commands_too=False).parse_args([]);"
        "print(sorted(m for m in sys.modules if m.startswith('crmdesk.cli_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['crmdesk.cli_sync']"
