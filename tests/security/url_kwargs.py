"""The URL arguments of every named page of the portal, from the objects of one world.

Two things request every URL of the resolver with GET and need an object behind each:
the access matrix (tests/security/world.py, a small season) and benchmarks/bench_pages.py
(the city-scale season). Both take the arguments from here, so a new page gets its
arguments once. No Django model is imported: the callers pass primary keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UrlObjects:
    current: int  # the competition in the plenary
    published: int  # last year's, published
    entry: int  # an entry of `current` in the officers' region (Eka Jaya in the world)
    scored_entry: int  # an entry of `current` the assigned juror scores
    team: int  # the scored entry's team
    member: int  # one of its members (JuryMember)
    evidence: int  # a photo of the scored entry
    old_entry: int  # a winning entry of `published`
    old_rt: int  # its RT
    certificate_code: str  # the piagam code of `old_entry`
    revisit: int | None = None  # a re-visit round of `published`, when the world has one
    instrument: int | None = None  # the instrument of `current` (issue 14), when given
    pillar: int | None = None  # one of its pillars
    indicator: int | None = None  # one of its indicators


def url_kwargs(objects: UrlObjects) -> dict[str, dict[str, Any]]:
    """URL name -> kwargs for `reverse`; names without arguments are not listed."""
    o = objects
    kwargs: dict[str, dict[str, Any]] = {
        "javascript-catalog": {"language": "en", "version": "0"},
        "competition-detail": {"pk": o.current},
        "competition-advance": {"pk": o.current},
        "entry-create": {"competition_pk": o.current},
        "entry-import": {"competition_pk": o.current},
        "entry-export": {"export_format": "csv"},
        "entry-detail": {"pk": o.entry},
        "entry-edit": {"pk": o.entry},
        "entry-propose": {"pk": o.entry},
        "entry-withdraw": {"pk": o.entry},
        "entry-verify": {"pk": o.entry},
        "entry-return": {"pk": o.entry},
        "scoring-teams": {"competition_pk": o.current},
        "field-devices": {"competition_pk": o.current},
        "team-create": {"competition_pk": o.current},
        "member-add": {"competition_pk": o.current, "team_pk": o.team},
        "member-remit": {"competition_pk": o.current, "member_pk": o.member},
        "leader-set": {"competition_pk": o.current, "team_pk": o.team},
        "assign": {"competition_pk": o.current},
        "assign-bulk": {"competition_pk": o.current},
        "scoring-entry": {"pk": o.scored_entry},
        "juror-home-page": {"number": 2},
        "scoring-page": {"entry_pk": o.scored_entry},
        "score-api": {"entry_pk": o.scored_entry},
        "photo-api": {"entry_pk": o.scored_entry},
        "sheet-submit": {"entry_pk": o.scored_entry},
        "photo-delete": {"pk": o.evidence},
        "evidence-file": {"pk": o.evidence, "variant": "thumb"},
        "public-competition": {"competition_pk": o.published},
        "public-rt": {"rt_pk": o.old_rt},
        "plenary": {"competition_pk": o.current},
        "severity": {"competition_pk": o.current},
        "severity-settings": {"competition_pk": o.current},
        "plenary-export": {"competition_pk": o.current, "export_format": "csv"},
        "explain": {"competition_pk": o.published, "entry_pk": o.old_entry},
        "entry-photos": {"competition_pk": o.current, "entry_pk": o.scored_entry},
        "finalise": {"competition_pk": o.current},
        "publish": {"competition_pk": o.current},
        "reopen-results": {"competition_pk": o.current},
        "report": {"competition_pk": o.published, "name": "pemenang"},
        "report-export": {
            "competition_pk": o.published,
            "name": "pemenang",
            "export_format": "xlsx",
        },
        # A reset link that was never sent: the page says the link no longer works.
        "password_reset_confirm": {"uidb64": "MQ", "token": "bukan-token"},
        "documents": {"competition_pk": o.published},
        "document-decree": {"competition_pk": o.published},
        "document-certificates": {"competition_pk": o.published},
        "document-certificate": {"competition_pk": o.published, "entry_pk": o.old_entry},
        "document-rekap": {"competition_pk": o.published},
        "document-rapor-all": {"competition_pk": o.published},
        "document-rapor": {"competition_pk": o.published, "entry_pk": o.old_entry},
        "revisit-new": {"competition_pk": o.published},
        "certificate-verify": {"code": o.certificate_code},
    }
    if o.instrument is not None:
        for name in (
            "instrument-detail",
            "instrument-preview",
            "instrument-copy",
            "instrument-edit",
            "instrument-ready",
            "pillar-add",
            "instrument-competition-new",
        ):
            kwargs[name] = {"pk": o.instrument}
    if o.pillar is not None:
        for name in ("pillar-edit", "pillar-move", "pillar-remove", "indicator-add"):
            kwargs[name] = {"pk": o.pillar}
    if o.indicator is not None:
        for name in ("indicator-edit", "indicator-remove"):
            kwargs[name] = {"pk": o.indicator}
    if o.revisit is not None:
        for name in ("revisit-detail", "revisit-conclude", "revisit-export"):
            kwargs[name] = {"revisit_pk": o.revisit}
    return kwargs
