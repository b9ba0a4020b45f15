"""Exports: the filtered incidents as ACLED, UCDP, GeoJSON or JSON, zipped with a manifest."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from truceline.domain.accounts import Actor
from truceline.domain.reports import Channel
from truceline.domain.verification import VerificationStatus
from truceline.entrypoints.api.deps import AppDep, GeographyDep, TokenUser
from truceline.services.incident_exchange import MEDIA_TYPES, ExportFormat, export_incidents
from truceline.services.incident_queries import check_filter
from truceline.services.incident_store import IncidentFilter

router = APIRouter(prefix="/api/agreements/{agreement_id}/exports", tags=["incidents"])

#: Above this size the export is spooled to a temporary file rather than kept in memory.
SPOOL_BYTES = 16 * 1024 * 1024


@router.get(
    "/incidents",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "A zip archive."}},
)
def export(
    app: AppDep,
    geo: GeographyDep,
    user: TokenUser,
    format: Annotated[ExportFormat, Query(description="acled, ucdp, geojson or json")],
    date_from: date | None = None,
    date_to: date | None = None,
    zone: Annotated[str | None, Query(max_length=64)] = None,
    responsible_party: Annotated[str | None, Query(max_length=64)] = None,
    event_type: Annotated[str | None, Query(max_length=64)] = None,
    status: VerificationStatus | None = None,
    provision: Annotated[str | None, Query(max_length=64)] = None,
    channel: Channel | None = None,
    reporting_party: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The incidents the filters select, and `manifest.json` (filters, time, count, sha256).

    Needs the `export_data` permission (scope `read`). The archive holds
    `incidents.<ext>` and `manifest.json`, whose `sha256` is that of the file.
    """
    where = IncidentFilter(
        geo.agreement.id,
        date_from=date_from,
        date_to=date_to,
        zone=zone,
        responsible_party=responsible_party,
        event_type=event_type,
        status=status,
        provision=provision,
        channel=channel,
        reporting_party=reporting_party,
    )
    check_filter(geo.agreement, where)
    _, extension = MEDIA_TYPES[format]
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b") as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        manifest = export_incidents(app.uow(), Actor.of(user), where, format, text, app.now())
        text.flush()
        spool.seek(0)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            with bundle.open(f"incidents.{extension}", "w") as member:
                while block := spool.read(1 << 20):
                    member.write(block)
            bundle.writestr("manifest.json", manifest.to_json() + "\n")
        text.detach()
    name = f"{geo.agreement.id}-incidents-{format}.zip"
    return Response(
        archive.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
