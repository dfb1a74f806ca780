"""The small error hierarchy of xxgk.

Every error carries a message meant for a user (Chinese or English as the caller needs) and never a
traceback; the CLI and the web layer map these classes to exit codes and responses.
"""

from __future__ import annotations


class XxgkError(Exception):
    """Base of every error xxgk raises on purpose."""

    default_message = "xxgk error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class ReportError(XxgkError):
    """A report object or report JSON is malformed (unknown code, wrong template, bad value)."""

    default_message = "malformed report"


class IngestError(XxgkError):
    """An input could not be read as an annual report at all.

    ``source`` names the file (or URL) and ``reason`` says what was expected, so the CLI can print
    one clear line such as ``a.txt: not an annual report: no table 3 (收到和处理政府信息公开申请情况) found``.
    """

    default_message = "input could not be read as an annual report"

    def __init__(self, reason: str, *, source: str | None = None) -> None:
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)


class RenderError(XxgkError):
    """A report could not be rendered in the requested format."""

    default_message = "report could not be rendered"


class WorkflowError(XxgkError):
    """An illegal state transition was requested."""

    default_message = "illegal transition"


class CalendarError(XxgkError):
    """The calendar data or a working-day computation was given impossible input."""

    default_message = "工作日日历数据有误"


class FeeError(WorkflowError):
    """A fee could not be computed from the input given."""

    default_message = "信息处理费计算参数有误"
