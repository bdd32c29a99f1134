"""Who may write instruments (issue 14): the panitia and the admin copy and edit versions."""

from __future__ import annotations

import rules

from bantar.rules import is_panitia

rules.add_perm("indicators.manage_instruments", is_panitia)
