"""Errors a user can act on: each names the file, the place in it and what to do."""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Problem:
    """One finding about a source: where it is, what is wrong, what to do."""

    severity: str  # "error" or "warning"
    file: str
    message: str
    pointer: str = ""  # JSON pointer, or sheet!cell for a workbook
    line: int | None = None
    column: int | None = None
    hint: str = ""
    code: str = ""

    def location(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}:{self.column or 1}"
        if self.pointer:
            place += f" {self.pointer}"
        return place

    def format(self) -> str:
        label = "错误" if self.severity == "error" else "警告"
        text = f"{self.location()}: {label}: {self.message}"
        if self.hint:
            text += f"（{self.hint}）"
        return text

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


class DutydocsError(click.ClickException):
    """An expected failure in the user's terms: printed as one line, exit status 1, no traceback."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def format_message(self) -> str:
        if not self.problems:
            return self.message
        lines = [p.format() for p in self.problems]
        return "\n".join([*lines, self.message]) if self.message else "\n".join(lines)

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


class SourceError(DutydocsError):
    """A source file cannot be read or is not a valid duty list."""


class UsageMistake(DutydocsError):
    """A command called the wrong way (a missing option, a bad value, an output that is an input): exit status 2."""

    exit_code = 2


class Interrupted(DutydocsError):
    """The user pressed Ctrl-C: exit status 130, as shells expect; outputs are written atomically, so none is half-written."""

    exit_code = 130
