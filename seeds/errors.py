"""Problems found in fixture files, reported all at once and before anything is written."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: the file, the line (counted from 1) and the entry, and what to do."""

    file: str
    message: str
    line: int | None = None
    entry: str = ""

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line is not None else "")
        return f"{where}: {self.entry}: {self.message}" if self.entry else f"{where}: {self.message}"


class FixtureError(Exception):
    """The fixtures cannot be loaded; nothing was written. The problems are listed file by file, in the
    order of their lines (a problem of a whole file first)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda problem: (problem.file, problem.line or 0))
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the fixtures:\n" + "\n".join(f"  {p}" for p in problems))
