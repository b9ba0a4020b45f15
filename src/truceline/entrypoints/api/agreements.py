"""Agreements, parties and provisions."""

from __future__ import annotations

from fastapi import APIRouter

from truceline.domain.agreements import Agreement
from truceline.entrypoints.api.deps import AppDep, GeographyDep
from truceline.entrypoints.api.schemas import (
    AgreementOut,
    AgreementSummaryOut,
    DocumentOut,
    PartyOut,
    ProvisionOut,
)
from truceline.services.agreements import list_agreements

router = APIRouter(prefix="/api/agreements", tags=["agreements"])


def party_out(agreement: Agreement) -> list[PartyOut]:
    return [
        PartyOut(
            id=p.id,
            name=p.name,
            short_name=p.short_name,
            roles=[str(r) for r in p.roles],
            colour=p.colour,
        )
        for p in agreement.parties
    ]


@router.get("", response_model=list[AgreementSummaryOut])
def agreements(app: AppDep) -> list[AgreementSummaryOut]:
    """Every loaded agreement."""
    return [
        AgreementSummaryOut(
            id=a.id,
            title=a.title,
            crs=a.crs,
            parties=len(a.parties),
            provisions=len(a.provisions),
            routes=len(a.routes),
            zones=len(a.zones),
            places=len(a.places),
        )
        for a in list_agreements(app.uow())
    ]


@router.get("/{agreement_id}", response_model=AgreementOut)
def agreement(geo: GeographyDep) -> AgreementOut:
    """One agreement: its summary, source documents and parties."""
    a = geo.agreement
    return AgreementOut(
        id=a.id,
        title=a.title,
        summary=a.summary,
        crs=a.crs,
        timezone=a.timezone,
        format_version=a.format_version,
        documents=[
            DocumentOut(
                id=d.id, title=d.title, date=d.date, place=d.place, reference=d.reference, url=d.url
            )
            for d in a.documents
        ],
        parties=party_out(a),
        attribution=list(a.attribution),
    )


@router.get("/{agreement_id}/parties", response_model=list[PartyOut])
def parties(geo: GeographyDep) -> list[PartyOut]:
    """The agreement's parties with their roles."""
    return party_out(geo.agreement)


@router.get("/{agreement_id}/provisions", response_model=list[ProvisionOut])
def provisions(geo: GeographyDep) -> list[ProvisionOut]:
    """The agreement's provisions, in the pack's order."""
    return [
        ProvisionOut(
            id=p.id,
            text=p.text,
            category=str(p.category),
            obligated=list(p.obligated),
            effective=p.effective,
            deadline=p.deadline,
            zones=list(p.zones),
            verification=p.verification,
            source_document=p.source.document,
            source_section=p.source.section,
        )
        for p in geo.agreement.provisions
    ]
