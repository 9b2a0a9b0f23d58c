"""Print docs/cli.md: the `caspian` command's reference, made from its own --help."""

from click.testing import CliRunner

from caspian.cli import main


def help_text(*args):
    return CliRunner().invoke(main, [*args, "--help"], prog_name="caspian", terminal_width=80).output.rstrip()


def reference():
    parts = [
        "# The `caspian` command",
        "",
        "Generated from `--help` by `make docs`; a test fails when it is out of date.",
        "",
        "```",
        help_text(),
        "```",
    ]
    for name in sorted(main.commands):
        parts += ["", f"## caspian {name}", "", "```", help_text(name), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(reference(), end="")
