"""Import of a real election's official results per territory: the only writer of Election and
its rows. All or nothing (one transaction: a refused file leaves nothing) and idempotent (the same
file again changes nothing; the same election with corrected figures has its rows replaced at
once). The file format and its checks are in `parsing`."""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from school.models import Departement

from ..models.elections import (
    CANDIDATE_KEY_MAX_LENGTH,
    Election,
    ElectionCandidate,
    ElectionCandidateResult,
    ElectionKind,
    ElectionResult,
)
from ..tallies import BALLOTS, BLANK
from .client import election_file_read
from .parsing import ElectionFileError, Limits, ParsedCandidate, election_file_parse

DEFAULT_LICENCE = "Licence Ouverte / Etalab 2.0 — Ministère de l'Intérieur"
ELECTION_NAME_TAKEN = "election_name_taken"
ELECTION_ROUND_INVALID = "election_round_invalid"
ELECTION_KIND_INVALID = "election_kind_invalid"


class ElectionImportError(ElectionFileError):
    """A file, or the election it is imported as, refused."""


@dataclass(frozen=True)
class ElectionImportOutcome:
    election: Election
    created: bool
    changed: bool
    rows: int


def election_import_limits() -> Limits:
    return Limits(
        max_bytes=settings.HEMICYCLE_ELECTION_MAX_BYTES,
        max_unpacked_bytes=settings.HEMICYCLE_ELECTION_MAX_UNPACKED_BYTES,
        max_rows=settings.HEMICYCLE_ELECTION_MAX_ROWS,
    )


def candidate_keys(candidates: tuple[ParsedCandidate, ...]) -> list[str]:
    """Option keys for a mock election: the slug of the last name ("le-pen"), made unique."""
    keys: list[str] = []
    for number, candidate in enumerate(candidates, start=1):
        base = slugify(candidate.last_name)[: CANDIDATE_KEY_MAX_LENGTH - 3] or f"candidat-{number}"
        if base in (BLANK, BALLOTS):
            base = f"{base}-{number}"
        key, suffix = base, 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.append(key)
    return keys


def election_import(
    *,
    data: bytes,
    name: str,
    date: datetime.date,
    round_number: int = 1,
    kind: str = ElectionKind.PRESIDENTIELLE,
    source_url: str = "",
    licence: str = "",
) -> ElectionImportOutcome:
    """Check the whole file, then store it as the election (kind, date, round): created, left
    alone when the file is the one already imported, or its rows replaced. Raises
    ElectionFileError (a French message naming the line and column) and stores nothing then."""
    name = " ".join(name.split())
    if kind not in ElectionKind.values:
        raise ElectionImportError(ELECTION_KIND_INVALID, _("Type d'élection inconnu."))
    if round_number not in (1, 2):
        raise ElectionImportError(ELECTION_ROUND_INVALID, _("Le tour est 1 ou 2."))
    content_hash = hashlib.sha256(data).hexdigest()
    parsed = election_file_parse(
        data=data,
        known_departement_codes=Departement.objects.values_list("code", flat=True),
        limits=election_import_limits(),
    )
    with transaction.atomic():
        if (
            Election.objects.filter(name=name)
            .exclude(kind=kind, date=date, round_number=round_number)
            .exists()
        ):
            raise ElectionImportError(
                ELECTION_NAME_TAKEN,
                _("Une autre élection porte déjà le nom « %(name)s ».") % {"name": name},
            )
        election = (
            Election.objects.select_for_update()
            .filter(kind=kind, date=date, round_number=round_number)
            .first()
        )
        created = election is None
        if election is None:
            election = Election(kind=kind, date=date, round_number=round_number)
        elif (
            election.content_hash == content_hash
            and election.name == name
            and (election.source_url, election.licence) == (source_url, licence)
        ):
            return ElectionImportOutcome(election, created=False, changed=False, rows=0)
        election.name = name
        election.source_url = source_url
        election.licence = licence
        election.content_hash = content_hash
        election.imported_at = timezone.now()
        election.save()
        _rows_replace(election, parsed)
    return ElectionImportOutcome(election, created=created, changed=True, rows=len(parsed.rows))


def _rows_replace(election: Election, parsed) -> None:
    """Delete the election's rows and write the file's (the caller holds the transaction)."""
    ElectionResult.objects.filter(election=election).delete()
    ElectionCandidate.objects.filter(election=election).delete()
    candidates = ElectionCandidate.objects.bulk_create(
        ElectionCandidate(
            election=election,
            order=order,
            key=key,
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            sex=candidate.sex,
        )
        for order, (candidate, key) in enumerate(
            zip(parsed.candidates, candidate_keys(parsed.candidates), strict=True), start=1
        )
    )
    if any(candidate.pk is None for candidate in candidates):  # backends without RETURNING
        candidates = list(ElectionCandidate.objects.filter(election=election).order_by("order"))
    results = ElectionResult.objects.bulk_create(
        ElectionResult(
            election=election,
            territory_code=row.territory_code,
            label=row.label,
            departement_codes=list(row.departement_codes),
            inscrits=row.inscrits,
            abstentions=row.abstentions,
            votants=row.votants,
            blancs=row.blancs,
            nuls=row.nuls,
            exprimes=row.exprimes,
        )
        for row in parsed.rows
    )
    if any(result.pk is None for result in results):
        by_code = {
            result.territory_code: result
            for result in ElectionResult.objects.filter(election=election)
        }
        results = [by_code[row.territory_code] for row in parsed.rows]
    ElectionCandidateResult.objects.bulk_create(
        ElectionCandidateResult(result=result, candidate=candidate, voix=voix)
        for result, row in zip(results, parsed.rows, strict=True)
        for candidate, voix in zip(candidates, row.voix, strict=True)
    )


def election_import_from_source(
    *,
    source: str,
    name: str,
    date: datetime.date,
    round_number: int = 1,
    kind: str = ElectionKind.PRESIDENTIELLE,
    source_url: str = "",
    licence: str = DEFAULT_LICENCE,
) -> ElectionImportOutcome:
    """Read `source` (an https URL or an operator's local path, see client) and import it."""
    data = election_file_read(source)
    if not source_url and "://" in source:
        source_url = source
    return election_import(
        data=data,
        name=name,
        date=date,
        round_number=round_number,
        kind=kind,
        source_url=source_url,
        licence=licence,
    )
