"""Which home a user gets, named once (django-rules), asked in order by `season.views.home`."""

from __future__ import annotations

import rules

from bantar.rules import (
    is_admin,
    is_juror,
    is_kecamatan_officer,
    is_kelurahan_officer,
    is_panitia,
    is_pejabat,
)

rules.add_perm("season.admin_home", is_admin)
rules.add_perm("season.panitia_home", is_panitia)
rules.add_perm("season.pejabat_home", is_pejabat)
rules.add_perm("season.kecamatan_home", is_kecamatan_officer)
rules.add_perm("season.kelurahan_home", is_kelurahan_officer)
rules.add_perm("season.juror_home", is_juror)
