"""The one error type the core raises; the CLI turns it into a message and an exit code."""

from __future__ import annotations


class DossierError(Exception):
    """A failure a user can act on. `key` and `args` select a message in messages.MESSAGES."""

    exit_code = 1

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args

    def render(self, lang: str) -> str:
        from .messages import message

        return message(self.key, lang, **self.args_)


class UsageError(DossierError):
    """Wrong use of the command line: exit code 2."""

    exit_code = 2


class ProblemError(DossierError):
    """A command stopped at a problem in a file: shown as `file:line:col: rule: message`."""

    def __init__(self, problem) -> None:
        super().__init__(problem.key, **problem.args)
        self.problem = problem

    def render(self, lang: str) -> str:
        from .problems import problem_line

        return problem_line(self.problem, lang)
