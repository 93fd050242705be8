"""Bulk import of typed-in paper forms (CSV or XLSX) with a per-row report."""

import hashlib
import re
from functools import cache
from pathlib import PureWindowsPath
from urllib.parse import quote, unquote

from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from services.common.auth import principal_from, require_role
from services.common.text import fold, normalize
from services.common.web import ApiError, NotFoundError, http, json_response

from . import imports_store
from .import_files import XLSX_TYPE, detect_format, read_table
from .import_templates import TEMPLATE_NAME, template_csv, template_xlsx
from .imports import ImportFileError, ImportReport, map_headers

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ImportQuery(Schema):
    """Query parameters of an upload: file name, first row number, import to continue."""

    class Meta:
        unknown = EXCLUDE

    filename = fields.String(load_default=None, validate=validate.Length(max=300))
    first_row = fields.Integer(load_default=None, validate=validate.Range(min=2))
    import_id = fields.String(load_default=None, validate=validate.Length(equal=36))
    charset = fields.String(load_default=None, validate=validate.Length(max=40))


IMPORT_QUERY = ImportQuery()


def _too_large(limit):
    return ApiError(f"The file is larger than {limit:,} bytes; split it into smaller files.",
                    status=413, code="too_large")


def read_upload(request, limit):
    """(bytes, declared type, file name) of a raw body or of a multipart field «file»."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    request.max_content_length = limit
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise ApiError("Send the file in a form field named «file».",
                               fields={"file": ["Missing."]}, code="missing_file")
            data = upload.read(limit + 1)
            declared, name = upload.mimetype, upload.filename
        else:
            data = request.get_data(cache=False)
            declared = request.mimetype
            name = unquote(request.headers.get("X-File-Name", ""))
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ApiError("The upload is empty: send a CSV or XLSX file.", status=422,
                       fields={"file": ["Empty."]}, code="empty_file")
    return data, declared, name


def clean_file_name(name):
    """The file's own name without any folder, NFC-normalised, at most 300 characters."""
    return (normalize(PureWindowsPath(name or "").name) or "")[:300] or None


def attachment(name, suffix):
    """Content-Disposition naming a download in UTF-8, with an ASCII fallback."""
    ascii_name = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") + suffix
    return (f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(name + suffix)}")


def file_error(exc):
    """The ApiError of a refused file."""
    return ApiError(exc.message, fields=exc.fields, code=exc.code, status=exc.status)


@cache
def _templates():
    return {"csv": template_csv(), "xlsx": template_xlsx()}


class ImportEndpoints:
    """Bulk import of typed-in paper forms (CSV or XLSX) with a per-row report."""

    def _clerk(self, request, *roles):
        principal = principal_from(request, self.config["AUTH_SECRET"])
        require_role(principal, *roles)
        return principal

    @http("POST", "/api/v1/imports")
    def upload_import(self, request):
        """Import a file's rows exactly once; 201 (or 200 if nothing new) with every bad row."""
        principal = self._clerk(request, "clerk", "admin")
        query = IMPORT_QUERY.load(request.args.to_dict())
        data, declared, name = read_upload(request, int(self.config["IMPORT_MAX_BYTES"]))
        file_name = clean_file_name(query["filename"] or name)
        charset = query["charset"] or request.mimetype_params.get("charset")
        try:
            table = read_table(data, detect_format(data, declared, file_name), charset,
                               query["first_row"])
            header = map_headers(table.header)
        except ImportFileError as exc:
            raise file_error(exc) from None
        given_hash = (request.headers.get("X-File-Sha256") or "").lower()
        file_hash = given_hash if _SHA256.match(given_hash) \
            else hashlib.sha256(data).hexdigest()
        report = ImportReport(warnings=list(table.notes))
        with self.db.transaction() as session:
            batch = self._batch(session, principal, query["import_id"], file_name, file_hash)
            import_id, file_name = batch.id, batch.file_name
            earlier = None if query["import_id"] else \
                imports_store.earlier_upload(session, file_hash, import_id)
            known_units = imports_store.known_unit_codes(session)
        if earlier is not None:
            report.warnings.append(
                f"The same file was uploaded before (import {earlier.id}, "
                f"{earlier.uploaded_at:%Y-%m-%d %H:%M} UTC); its rows are not imported twice.")
        try:
            imports_store.import_table(self.db, self.outbox, import_id, table, header, report,
                                       known_units)
        except ImportFileError as exc:
            report.errors.append({"row": None, "fields": exc.fields, "message": exc.message})
            imports_store.finish_batch(self.db, import_id, report)
            raise ApiError(f"{exc.message} Rows before it were imported (import {import_id});"
                           " upload the fixed file again: nothing is imported twice.",
                           fields={**exc.fields, "import_id": [import_id]},
                           code=exc.code) from None
        imports_store.finish_batch(self.db, import_id, report)
        body = {"import_id": import_id, "file_name": file_name, **report.as_dict()}
        return json_response(body, status=201 if report.imported else 200,
                             headers={"Location": f"/api/v1/imports/{import_id}"})

    def _batch(self, session, principal, import_id, file_name, file_hash):
        """A new import record, or the caller's own one when continuing it in chunks."""
        if import_id is None:
            return imports_store.create_batch(session, file_name=file_name, file_hash=file_hash,
                                              uploaded_by=principal.username)
        batch = imports_store.get_batch(session, import_id)
        if batch is None:
            raise NotFoundError("No import has this id.", fields={"import_id": ["Unknown."]})
        if batch.uploaded_by != principal.username and principal.role != "admin":
            raise ApiError("Only the person who started this import may add to it.",
                           status=403, code="forbidden")
        return batch

    @http("GET", "/api/v1/imports/template.csv")
    def import_template_csv(self, request):
        """The CSV template (UTF-8 with BOM, Vietnamese headers, one example row)."""
        return Response(_templates()["csv"], content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(TEMPLATE_NAME, ".csv")})

    @http("GET", "/api/v1/imports/template.xlsx")
    def import_template_xlsx(self, request):
        """The XLSX template: the «Phiếu» sheet, categories and column notes."""
        return Response(_templates()["xlsx"], content_type=XLSX_TYPE,
                        headers={"Content-Disposition": attachment(TEMPLATE_NAME, ".xlsx")})

    @http("GET", "/api/v1/imports/<import_id>")
    def get_import(self, request, import_id):
        """The stored report of an import: totals, every bad row, warnings."""
        self._clerk(request, "clerk", "admin", "leader")
        with self.db.transaction() as session:
            batch = imports_store.get_batch(session, import_id[:36])
            if batch is None:
                raise NotFoundError("No import has this id.",
                                    fields={"import_id": ["Unknown import."]})
            return json_response(imports_store.batch_report(batch))
