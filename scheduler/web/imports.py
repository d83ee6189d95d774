"""Import (JSON document, CSV sheets) and export of the problem and the plan."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from scheduler.formats import DocumentError, Issue, load_problem
from scheduler.storage.plans import current_plan, plan_document
from scheduler.storage.problems import NoProblemError, export_problem, import_problem
from scheduler.web.deps import Read, Write, after_form
from scheduler.web.schemas import CountsOut, CsvImportResult, ImportResult, Problems
from scheduler.web.templating import render, templates
from scheduler.web_services import csv_columns
from scheduler.web_services.csv_import import KINDS, CellIssue, SheetError, import_sheets

router = APIRouter(tags=["data"])

PROBLEM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "an rj-problem/1 document"}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {k: {"type": "string", "format": "binary"} for k in KINDS},
                }
            }
        },
    }
}


# The import page's column guide and templates come from the one list of columns.
templates.env.globals["csv_sheets"] = csv_columns.SHEETS


def rejected(issues: list[Issue] | list[CellIssue]) -> JSONResponse:
    """Every problem as JSON: path and reason, and for a CSV cell its sheet, row, column, value."""
    detail = [
        i.to_json() if isinstance(i, CellIssue) else {"path": i.path, "reason": i.reason}
        for i in issues
    ]
    return JSONResponse({"detail": detail}, status_code=422)


SHOWN_ISSUES = 200  # a page listing thousands of lines helps nobody; the count says the rest


def _from_page(request: Request) -> bool:
    """A browser's form post (it asks for HTML); API clients get JSON even for multipart."""
    kind = request.headers.get("content-type", "")
    return kind.startswith("multipart/form-data") and "text/html" in request.headers.get(
        "accept", ""
    )


def refused(request: Request, issues: list[Issue] | list[CellIssue], sheet: str) -> Response:
    """The import page again, listing each problem, or the 422 JSON for API clients."""
    if not _from_page(request):
        return rejected(issues)
    return render(
        request,
        "import.html",
        status_code=422,
        failed=sheet,
        issues=issues[:SHOWN_ISSUES],
        more=max(0, len(issues) - SHOWN_ISSUES),
    )


def _counts(summary: Any) -> dict[str, CountsOut]:
    return {k: CountsOut(**vars(c)) for k, c in summary.kinds().items()}


@router.post(
    "/api/import",
    response_model=ImportResult,
    responses={422: {"model": Problems}},
    openapi_extra=PROBLEM_BODY,
)
async def import_document(request: Request, ctx: Write, replace: bool = False) -> Any:
    """Import a problem document (strictly validated; on any problem nothing is written)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        body = await upload.read() if upload is not None and not isinstance(upload, str) else b""
        replace = replace or (await request.form()).get("replace") == "on"
    else:
        body = await request.body()
    try:
        problem = load_problem(body)
        summary = import_problem(ctx.session, problem, replace=replace, now=ctx.now)
    except DocumentError as exc:
        ctx.session.rollback()
        return refused(request, exc.issues, "json")
    ctx.audit(
        "import",
        f"problem:{problem.name}",
        format="json",
        replace=replace,
        cases=len(problem.cases),
    )
    result = ImportResult(name=summary.name, counts=_counts(summary))
    if not _from_page(request):
        return result
    return await after_form(request, result)


@router.post(
    "/api/import/csv",
    response_model=CsvImportResult,
    responses={422: {"model": Problems}},
    openapi_extra=CSV_BODY,
)
async def import_csv(request: Request, ctx: Write) -> Any:
    """Import CSV sheets (fields facilitators, venues, cases, parties, sessions); see docs/web.md."""
    form = await request.form()
    sheets: dict[str, str] = {}
    for key, value in form.multi_items():
        if key in ("csrf_token", "next"):
            continue
        if isinstance(value, str):
            text = value
        else:
            if not value.filename and not value.size:
                continue  # an empty file field of the HTML form
            raw = await value.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                problem = "is not UTF-8 text: save the sheet as CSV UTF-8 and try again"
                return refused(request, [CellIssue(key, None, None, problem)], "csv")
        sheets[key] = text
    if not sheets:
        problem = f"no sheet was sent: choose at least one file ({', '.join(KINDS)})"
        return refused(request, [CellIssue(None, None, None, problem)], "csv")
    try:
        rows, summary = import_sheets(ctx.session, sheets, now=ctx.now)
    except (SheetError, DocumentError) as exc:
        ctx.session.rollback()
        return refused(request, exc.issues, "csv")
    ctx.audit("import", "problem", format="csv", rows=rows)
    result = CsvImportResult(rows=rows, counts=_counts(summary))
    if not _from_page(request):
        return result  # an API client's multipart post gets its answer, not a redirect
    return await after_form(request, result)


@router.get("/import/templates/{sheet}.csv", response_class=Response, include_in_schema=True)
def csv_template(sheet: str, ctx: Read) -> Response:
    """The header row of one CSV sheet, to fill in (facilitators, venues, cases, parties, sessions)."""
    if sheet not in csv_columns.SHEETS:
        raise HTTPException(404, f"no sheet {sheet!r}: the sheets are {', '.join(KINDS)}")
    return Response(
        csv_columns.template(sheet),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{sheet}.csv"'},
    )


@router.get("/api/export", response_model=dict[str, Any], responses={404: {"model": Problems}})
def export(ctx: Read) -> Any:
    """The problem document held in the database."""
    try:
        doc = export_problem(ctx.session).to_doc()
    except NoProblemError as exc:
        raise HTTPException(404, str(exc)) from None
    ctx.audit("export", "problem")
    return doc


@router.get("/api/export/plan", response_model=dict[str, Any])
def export_plan(ctx: Read) -> Any:
    """The plan in force: the confirmed plan, else the latest draft (an rj-plan/1 document)."""
    row = current_plan(ctx.session)
    if row is None:
        raise HTTPException(404, "there is no plan yet")
    return plan_document(ctx.session, row.id).to_doc()
