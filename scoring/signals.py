"""What scoring tells the apps above it (they may import scoring; scoring never imports them).

Sent after the commit (`transaction.on_commit`), so a receiver reads what was saved and a
receiver's failure cannot undo the write. Both carry `competition` (the Competition)
and `result_set` (the ResultSet published; None on reopening).
"""

from __future__ import annotations

from django.dispatch import Signal

# A competition's results were published (`result_services.competition_publish`).
results_published = Signal()
# A competition's published results were reopened for a correction: its set is superseded
# (`result_services.competition_reopen_results`).
results_reopened = Signal()
