"""A Truceline log served over HTTP, read through httpx (inject a transport in tests)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self

import httpx

from truceline.domain.errors import InputError, NotFoundError

PAGE = 1000


class RemoteLogError(InputError):
    """The remote log could not be reached, or answered something unexpected."""


class LedgerClient:
    """The ``/api/ledger`` routes of a Truceline server at ``base_url``."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        page: int = PAGE,
    ) -> None:
        base = base_url.rstrip("/")
        if base.endswith("/api/ledger"):
            base = base[: -len("/api/ledger")]
        self.base_url = base
        self.page = page
        self._http = httpx.Client(base_url=base, transport=transport, timeout=timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _get(self, path: str, **params: Any) -> httpx.Response:
        try:
            response = self._http.get(path, params=params or None)
        except httpx.HTTPError as error:
            raise RemoteLogError("url", f"{self.base_url}{path}: {error}") from None
        _check(response)
        return response

    def checkpoint(self) -> str:
        """The latest checkpoint, a signed note (with the cosignatures the log holds)."""
        return self._get("/api/ledger/checkpoint").text

    def verifier_key(self) -> str:
        """The log's verifier key, as the log states it."""
        return self._get("/api/ledger/key").text.strip()

    def cosignatures(self, size: int) -> list[dict[str, Any]]:
        """The witness cosignatures the log stores for the checkpoint of ``size``."""
        found = self._get("/api/ledger/cosignatures", size=size).json()
        return list(found) if isinstance(found, list) else []

    def entries(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        """Entries with ``start <= seq < stop``, fetched a page at a time."""
        while start < stop:
            limit = min(self.page, stop - start)
            body = self._get("/api/ledger/entries", start=start, limit=limit).json()
            items = body.get("entries") if isinstance(body, dict) else None
            if not items:
                return
            yield from items
            start = int(items[-1]["seq"]) + 1

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The log's consistency proof from size ``old`` to size ``new``."""
        body = self._get("/api/ledger/proofs/consistency", old=old, new=new).json()
        try:
            return [base64.b64decode(h, validate=True) for h in body["proof"]]
        except (KeyError, TypeError, ValueError):
            raise RemoteLogError("proof", "the log's consistency proof is not readable") from None

    def submit_cosignature(self, size: int, line: str, verifier_key: str) -> None:
        """Give the log a witness's cosignature of its checkpoint of ``size``."""
        try:
            response = self._http.post(
                "/api/ledger/cosignatures",
                json={"size": size, "cosignature": line, "verifier_key": verifier_key},
            )
        except httpx.HTTPError as error:
            raise RemoteLogError("url", f"{self.base_url}: {error}") from None
        _check(response)


def _check(response: httpx.Response) -> None:
    if response.status_code == 404:
        raise NotFoundError(f"{response.request.url}: {_reason(response)}")
    if response.status_code >= 400:
        raise RemoteLogError(
            "url", f"{response.request.url}: HTTP {response.status_code}: {_reason(response)}"
        )


def _reason(response: httpx.Response) -> str:
    try:
        errors = response.json()["errors"]
        return "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
    except (ValueError, KeyError, TypeError):
        return response.text[:200]
