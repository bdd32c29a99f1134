"""The coaching view's one action, named once (django-rules)."""

from __future__ import annotations

import rules

from bantar.rules import is_city_reader, is_juror, is_panitia, is_region_officer

# The kelurahan officer for its kelurahan, the kecamatan officer for its kecamatan, the
# panitia and the pejabat for the city; the scope itself is each queryset's `for_user`.
rules.add_perm("coaching.view", is_region_officer | is_city_reader)

# Re-visits of past winners (issue 16.3): the panitia creates and concludes rounds; the city's
# readers (panitia, pejabat) read the rounds and their rekap. The outcomes are also public on
# each RT's page.
rules.add_perm("coaching.revisit_view", is_city_reader)
rules.add_perm("coaching.revisit_manage", is_panitia)
# The award's photos beside a re-visit's: its jurors (the entry's team, by the entry's scope)
# and the city's readers.
rules.add_perm("coaching.revisit_photo", is_juror | is_city_reader)
