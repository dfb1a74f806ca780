"""Schemas shared by every area of the API: errors, and the base classes of request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints


class In(Schema):
    """Base of request bodies: unknown fields are refused (a misspelt field name is a 422, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class Out(Schema):
    """Base of response bodies."""


#: A required text: surrounding white space is removed and the rest may not be empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
RequiredLongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Signature = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ErrorOut(Out):
    """An error: ``detail`` is a Chinese message for people, ``code`` a stable identifier for programs."""

    detail: str = Field(description="错误说明（中文）")
    code: str = Field(
        description="错误代码：token_missing、token_invalid、token_revoked、token_expired、user_inactive（401）；"
        "forbidden（403）；not_found（404）；workflow（409，业务规则不允许）；"
        "version_conflict（409，申请已被他人修改，If-Match 中的版本已过期）；invalid（422）"
    )


class FieldErrorOut(Out):
    field: str = Field(description="出错的字段，嵌套字段以点号分隔，如 applicant.name")
    location: str = Field(description="字段位置：body（请求体）、query（查询参数）或 path（路径）")
    message: str = Field(description="错误说明（中文）")
    type: str = Field(description="错误类型（pydantic 的错误类型标识）")


class ValidationErrorOut(Out):
    """The request does not have the required shape: every field in error is listed."""

    detail: str = Field(description="错误说明（中文），列出出错的字段")
    code: str = Field(description="固定为 validation")
    errors: list[FieldErrorOut] = Field(description="每个出错的字段")


#: Error responses of an operation that needs a token and reads one object by id.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
#: Error responses of an operation that changes something.
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
