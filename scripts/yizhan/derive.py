"""Stage 3: validated Model → public views. Personal data is masked here and only here.

Nothing after this stage receives a raw table: `PublicData` holds only the columns
whose publication class is public, and masked columns already masked.
"""

from __future__ import annotations

import pandas as pd

from .disclosure import derive_disclosure
from .model.project import Model, TableSpec
from .model.public import PublicData
from .privacy.masking import MASKS, OFFICIAL, officials_only
from .rules.vocab import MASKED, PUBLIC


def public_view(
    frame: pd.DataFrame, spec: TableSpec, officials: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Keep public columns, mask masked ones, drop private ones — as the schema declares.

    A column masked as `official` keeps only the names in `officials` (county.yml public_officials).
    """
    view = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        if column.publication == PUBLIC:
            view[column.key] = frame[column.key]
        elif column.publication == MASKED and column.mask == OFFICIAL:
            view[column.key] = officials_only(frame[column.key], officials)
        elif column.publication == MASKED:
            mask = MASKS[column.mask or "text"]
            view[column.key] = frame[column.key].map(
                lambda v, m=mask: m(v) if isinstance(v, str) and v else v
            )
    return view


def derive(model: Model) -> PublicData:
    officials = frozenset(model.county.public_officials)
    tables = {name: public_view(frame, model.specs[name], officials) for name, frame in model.tables.items()}
    data = PublicData(model.county, model.policies, model.forms, tables, model.pages, specs=model.specs)
    # 信息公开 statistics, from the masked views above only.
    data.stats["disclosure"] = derive_disclosure(tables, model.county, model.policies)
    return data
