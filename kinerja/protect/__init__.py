"""Protection stage: disclosure control (small-group suppression) and the personal-data gate.

Why this stage exists (issue 6): individual evaluation results are exempt public information
(UU 14/2008 Pasal 17 huruf h angka 4) and scoring employees while combining datasets is high-risk
processing (UU 27/2022 Pasal 34). Forum outputs travel by e-mail and WhatsApp, so the safe thing
must be the default:

* ``forum`` (the default audience) shows aggregates only: no NIP, no name, no free text that may
  name a person, no count below *k*, no statistic over fewer than *k* units
  (:mod:`~kinerja.protect.columns`, :mod:`~kinerja.protect.suppression`);
* ``internal`` may list the people of **one** OPD, and says so visibly
  (:mod:`~kinerja.protect.banner`);
* every output passes :class:`PersonalDataGate` before it is written
  (:mod:`~kinerja.protect.gate`, :mod:`~kinerja.protect.write`);
* citizen text (``skm.saran``, ``pengaduan.isi``) is escaped wherever it is rendered
  (:mod:`~kinerja.protect.escape`).

Audiences and the k thresholds are domain values (:mod:`kinerja.domain.audience`). The rules
chosen here that are not set by a regulation are stated in ``docs/privasi.md``.

Everything outside this package imports from ``kinerja.protect``; the modules inside may be
rearranged freely.
"""

from kinerja.domain.audience import (
    AUDIENCES,
    K_PEGAWAI,
    K_RESPONDEN,
    Audience,
    validate_audience,
)
from kinerja.protect.audit import audit_ledger, audit_summary
from kinerja.protect.banner import internal_banner, internal_banner_html
from kinerja.protect.columns import (
    FORUM_FORBIDDEN_COLUMNS,
    FREE_TEXT_COLUMNS,
    IDENTIFIER_COLUMNS,
    ForbiddenColumnsError,
    forbidden_columns,
    forum_safe,
)
from kinerja.protect.detect import COMMON_NAME_WORDS, HONORIFICS, mask_name, mask_nip
from kinerja.protect.escape import (
    escape_frame,
    escape_text,
    find_live_markup,
    neutralise_cell,
    neutralise_frame,
    safe_html_table,
    safe_styler,
)
from kinerja.protect.gate import (
    Hit,
    PersonalDataGate,
    PersonalDataLeak,
    check_figure,
    enforce_tree,
    gate_tree,
    people_frame,
    people_in_cache,
    use_gate_for_charts,
)
from kinerja.protect.ledger import Ledger, LedgerConflict, cell_key
from kinerja.protect.secondary import band_small, protect_distribution, protect_line, subset_total
from kinerja.protect.suppression import (
    SUPPRESSION_FOOTNOTE,
    SUPPRESSION_MARK,
    is_suppressed,
    min_k_stat,
    suppress_crosstab,
    suppress_distribution,
    suppress_small,
    suppression_footnote,
)
from kinerja.protect.tables import (
    COMPLAINT_STATS,
    SKP_GOOD,
    SKP_LOW,
    jp_target_hidden,
    jp_target_hidden_by_opd,
    ledger_ikm_services,
    protect_complaints,
    protect_ikm_services,
    protect_kota_jp,
    protect_kota_skp,
    protected_jp_bands,
    protected_skp,
    record_line,
    safe_share,
)
from kinerja.protect.write import gated_replace, gated_write

__all__ = [
    "COMPLAINT_STATS",
    "SKP_GOOD",
    "SKP_LOW",
    "Ledger",
    "LedgerConflict",
    "audit_ledger",
    "audit_summary",
    "band_small",
    "cell_key",
    "jp_target_hidden",
    "jp_target_hidden_by_opd",
    "ledger_ikm_services",
    "protect_complaints",
    "protect_distribution",
    "protect_ikm_services",
    "protect_kota_jp",
    "protect_kota_skp",
    "protect_line",
    "protected_jp_bands",
    "protected_skp",
    "record_line",
    "safe_share",
    "subset_total",
    "AUDIENCES",
    "COMMON_NAME_WORDS",
    "FORUM_FORBIDDEN_COLUMNS",
    "FREE_TEXT_COLUMNS",
    "HONORIFICS",
    "IDENTIFIER_COLUMNS",
    "K_PEGAWAI",
    "K_RESPONDEN",
    "SUPPRESSION_FOOTNOTE",
    "SUPPRESSION_MARK",
    "Audience",
    "ForbiddenColumnsError",
    "Hit",
    "PersonalDataGate",
    "PersonalDataLeak",
    "escape_frame",
    "escape_text",
    "neutralise_cell",
    "neutralise_frame",
    "gate_tree",
    "enforce_tree",
    "people_frame",
    "people_in_cache",
    "check_figure",
    "use_gate_for_charts",
    "find_live_markup",
    "forbidden_columns",
    "forum_safe",
    "gated_replace",
    "gated_write",
    "internal_banner",
    "internal_banner_html",
    "is_suppressed",
    "mask_name",
    "mask_nip",
    "min_k_stat",
    "safe_html_table",
    "safe_styler",
    "suppress_crosstab",
    "suppress_distribution",
    "suppress_small",
    "suppression_footnote",
    "validate_audience",
]
