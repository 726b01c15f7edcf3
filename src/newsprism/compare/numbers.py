"""Is a difference between two stated numbers a contradiction or only a difference in precision?"""

from __future__ import annotations

#: An approximate figure is compatible with another within this relative distance.
APPROX_TOLERANCE = 0.15


def _interval(n: dict) -> tuple[float, float]:
    v, q = float(n["value"]), n.get("qualifier") or "exact"
    if q == "lower_bound":
        return v, float("inf")
    if q == "upper_bound":
        return 0.0, v
    if q == "approximate":
        return v * (1 - APPROX_TOLERANCE), v * (1 + APPROX_TOLERANCE)
    return v, v


def compare_numbers(x: dict, y: dict) -> str | None:
    """``None`` (same), ``"precision difference"`` or ``"contradiction"``.

    "about 10,000" vs "10,000": precision difference. "at least 20" vs "17": contradiction.
    "more than 200" vs "230": precision difference. "12" vs "15": contradiction.
    """
    qx, qy = x.get("qualifier") or "exact", y.get("qualifier") or "exact"
    if x["value"] == y["value"] and qx == qy:
        return None
    (lx, hx), (ly, hy) = _interval(x), _interval(y)
    overlap = max(lx, ly) <= min(hx, hy)
    return "precision difference" if overlap else "contradiction"
