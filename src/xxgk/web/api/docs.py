"""The API documentation page at /api/docs, rendered on the server from the OpenAPI document.

Django Ninja's default page loads Swagger UI from a CDN, which an offline machine or a government intranet cannot
reach. This page needs no JavaScript and no external asset: every operation with its parameters, request body and
responses, and every schema with its fields, straight from the same OpenAPI document clients download from
/api/openapi.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

_REF = "#/components/schemas/"
#: A paragraph of a description: runs of ``(text, is_code)``.
Paragraph = list[tuple[str, bool]]
_METHODS = ("get", "post", "put", "patch", "delete")
_STATUS_TEXT = {
    "200": "成功",
    "201": "已创建",
    "401": "未提供令牌，或令牌无效、已撤销、已过期",
    "403": "无权执行（上级机关只读，或没有所需角色）",
    "404": "不存在，或无权查看",
    "409": "业务规则不允许（中文说明见 detail）",
    "422": "请求格式有误（errors 列出字段）",
}


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    ref: str  # the schema the type refers to ("" for none), for a link
    required: bool
    description: str


@dataclass(frozen=True)
class ParamDoc:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class ResponseDoc:
    status: str
    description: str
    schema: str
    ref: str


@dataclass(frozen=True)
class OperationDoc:
    method: str
    path: str
    summary: str
    description: list[Paragraph]
    operation_id: str
    params: list[ParamDoc]
    body: str
    responses: list[ResponseDoc]
    secured: bool


@dataclass
class TagDoc:
    name: str
    operations: list[OperationDoc] = field(default_factory=list)


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    description: list[Paragraph]
    fields: list[FieldDoc]
    enum: list[str]


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    return ref[len(_REF) :] if isinstance(ref, str) and ref.startswith(_REF) else ""


def type_text(schema: dict[str, Any]) -> tuple[str, str]:
    """A short type for a JSON schema (``string (date)``, ``array of Foo``, ``Foo | null``) and the schema it
    refers to, if any."""
    name = _ref_name(schema)
    if name:
        return name, name
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_text(schema["allOf"][0])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [type_text(s) for s in schema[key]]
            ref = next((r for _t, r in parts if r), "")
            return " | ".join(t for t, _r in parts), ref
    kind = schema.get("type", "")
    if kind == "array":
        inner, ref = type_text(schema.get("items", {}))
        return f"array of {inner}", ref
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        inner, ref = type_text(schema["additionalProperties"])
        return f"object of {inner}", ref
    text = str(kind or "any")
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += "：" + ", ".join(str(v) for v in schema["enum"])
    return text, ""


def _paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a (CommonMark) description, each as ``(text, is_code)`` runs for the `code` spans."""
    out: list[Paragraph] = []
    for block in text.split("\n\n"):
        if block.strip():
            runs = block.strip().split("`")
            out.append([(run, i % 2 == 1) for i, run in enumerate(runs) if run])
    return out


def _operation(method: str, path: str, op: dict[str, Any]) -> OperationDoc:
    params = [
        ParamDoc(
            name=p.get("name", ""),
            where=p.get("in", ""),
            type=type_text(p.get("schema", {}))[0],
            required=bool(p.get("required")),
            description=p.get("description", "") or p.get("schema", {}).get("description", ""),
        )
        for p in op.get("parameters", [])
    ]
    body = ""
    content = op.get("requestBody", {}).get("content", {})
    for media in content.values():
        body = _ref_name(media.get("schema", {})) or type_text(media.get("schema", {}))[0]
    responses = []
    for status, resp in op.get("responses", {}).items():
        first: dict[str, Any] = next(iter(resp.get("content", {}).values()), {})
        schema = first.get("schema", {})
        text, ref = type_text(schema) if schema else ("", "")
        description = _STATUS_TEXT.get(str(status), resp.get("description", ""))
        responses.append(ResponseDoc(status=str(status), description=description, schema=text, ref=ref))
    return OperationDoc(
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=_paragraphs(op.get("description", "")),
        operation_id=op.get("operationId", ""),
        params=params,
        body=body,
        responses=responses,
        secured=bool(op.get("security")),
    )


def document_structure(openapi: dict[str, Any]) -> tuple[list[TagDoc], list[SchemaDoc]]:
    """The operations grouped by tag (in document order) and the schemas (sorted by name)."""
    tags: dict[str, TagDoc] = {}
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = (op.get("tags") or ["其他"])[0]
            tags.setdefault(tag, TagDoc(tag)).operations.append(_operation(method, path, op))
    schemas: list[SchemaDoc] = []
    for name, schema in sorted(openapi.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = []
        for fname, prop in schema.get("properties", {}).items():
            text, ref = type_text(prop)
            fields.append(FieldDoc(fname, text, ref, fname in required, prop.get("description", "")))
        schemas.append(
            SchemaDoc(
                name=name,
                description=_paragraphs(schema.get("description", "")),
                fields=fields,
                enum=[str(v) for v in schema.get("enum", [])],
            )
        )
    return list(tags.values()), schemas


class LocalDocs(DocsBase):
    """Server-rendered documentation (no CDN, no JavaScript)."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi = api.get_openapi_schema(path_params=kwargs)
        tags, schemas = document_structure(dict(openapi))
        return render(
            request,
            self.template,
            {
                "api": api,
                "openapi_url": self.get_openapi_url(api, kwargs),
                "description": _paragraphs(api.description),
                "tags": tags,
                "schemas": schemas,
            },
        )
