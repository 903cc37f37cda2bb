"""Problems found in fixture files, reported all at once and before anything is written."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one entry of one file."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


class FixtureError(Exception):
    """The fixtures cannot be loaded; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the fixtures:\n" + "\n".join(f"  {p}" for p in problems))
