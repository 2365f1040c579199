"""服务统计: 周统计 and 月汇总 of the service log (人次 by service type) per station, village, township."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .stats import with_places

SERVICE_TYPES = ("政策咨询", "代办", "走访", "宣传", "上门服务")
PLACE_KEYS = ("township", "village", "station_id", "station_name")


def pivot(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """人次 per service type as columns (fixed order, zeros where none) plus 合计, one row per key."""
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *SERVICE_TYPES, "total"])
    table = frame.pivot_table(
        index=keys, columns="service_type", values="count", aggfunc="sum", fill_value=0, observed=True
    )
    table = table.reindex(columns=list(SERVICE_TYPES), fill_value=0).astype("int64")
    table["total"] = table.sum(axis=1)
    return table.reset_index().sort_values(keys, kind="stable").reset_index(drop=True)


@dataclass
class ServiceStats:
    """Long tables the pages and the open data read; periods are 'YYYY-MM' and week-start dates."""

    monthly_station: pd.DataFrame
    weekly_station: pd.DataFrame
    monthly_township: pd.DataFrame
    weekly_township: pd.DataFrame
    monthly_village: pd.DataFrame
    monthly_county: pd.DataFrame

    @property
    def months(self) -> list[str]:
        return sorted(self.monthly_county["month"].unique(), reverse=True)

    @property
    def townships(self) -> list[str]:
        return sorted(self.monthly_township["township"].unique())


def service_stats(services: pd.DataFrame, stations: pd.DataFrame) -> ServiceStats:
    """Sum the log by calendar month and by week (Monday to Sunday) at each level."""
    frame = with_places(services, stations)
    frame["village"] = frame["village"].fillna("").astype(str)
    frame["month"] = frame["date"].dt.strftime("%Y-%m")
    monday = frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")
    frame["week"] = monday.dt.strftime("%Y-%m-%d")
    places = list(PLACE_KEYS)
    return ServiceStats(
        monthly_station=pivot(frame, ["month", *places]),
        weekly_station=pivot(frame, ["week", *places]),
        monthly_township=pivot(frame, ["month", "township"]),
        weekly_township=pivot(frame, ["week", "township"]),
        monthly_village=pivot(frame[frame["village"] != ""], ["month", "township", "village"]),
        monthly_county=pivot(frame, ["month"]),
    )
