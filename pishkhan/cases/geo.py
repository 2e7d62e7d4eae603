"""Small geometry helpers (no GIS stack needed at city scale)."""

from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_M = 6_371_000


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def point_in_polygon(lat: float, lon: float, polygon: Sequence[Sequence[float]]) -> bool:
    """Ray casting over [[lat, lon], ...]."""
    inside = False
    n = len(polygon)
    for i in range(n):
        y1, x1 = polygon[i][0], polygon[i][1]
        y2, x2 = polygon[(i + 1) % n][0], polygon[(i + 1) % n][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def degree_box(lat: float, radius_m: float) -> tuple[float, float]:
    """(dlat, dlon) in degrees covering radius_m around latitude lat: for index-friendly prefilters."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return dlat, dlon
