"""Small geometry helpers (no GIS stack needed at city scale)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeGuard

from django.db import transaction

from pishkhan.accounts.models import District, Municipality
from pishkhan.core.audit import audit_record
from pishkhan.core.text import normalize_fa

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
    """(dlat, dlon) in degrees covering radius_m around latitude lat: for index-friendly
    prefilters."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return dlat, dlon


# ---- the city's outline and its districts -------------------------------------------------------
# Boundaries are lists of [lat, lon] (District.boundary, Municipality.boundary). With no outline
# at all we fall back on a radius around the city's centre, so a "no GPS fix" (0, 0) or a point
# in another province is never filed under one of our districts.

FALLBACK_RADIUS_M = 30_000


def district_at(
    municipality: Municipality, lat: float | None, lon: float | None
) -> District | None:
    """The district whose boundary holds the point (districts without a boundary are skipped)."""
    if lat is None or lon is None:
        return None
    for district in District.objects.filter(municipality=municipality).exclude(boundary=None):
        if _valid_polygon(district.boundary) and point_in_polygon(lat, lon, district.boundary):
            return district
    return None


def city_contains(municipality: Municipality, lat: float, lon: float) -> bool:
    """Whether a point lies within the municipality.

    The city's own outline if it has one; else the union of its districts' boundaries; else a
    radius of FALLBACK_RADIUS_M around its centre; a city with none of these accepts any point
    except (0, 0).
    """
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return False
    if _valid_polygon(municipality.boundary):
        return point_in_polygon(lat, lon, municipality.boundary)
    outlines = [
        b
        for b in District.objects.filter(municipality=municipality)
        .exclude(boundary=None)
        .values_list("boundary", flat=True)
        if _valid_polygon(b)
    ]
    if outlines:
        return any(point_in_polygon(lat, lon, b) for b in outlines)
    c_lat = (
        municipality.center_lat if municipality.center_lat is not None else municipality.start_lat
    )
    c_lon = (
        municipality.center_lon if municipality.center_lon is not None else municipality.start_lon
    )
    if c_lat is None or c_lon is None:
        return True
    return haversine_m(lat, lon, c_lat, c_lon) <= FALLBACK_RADIUS_M


def _valid_polygon(value: object) -> TypeGuard[list[list[float]]]:
    return (
        isinstance(value, list)
        and len(value) >= 3
        and all(isinstance(p, list | tuple) and len(p) == 2 for p in value)
    )


def polygon_from_geojson(geometry: dict[str, Any]) -> list[list[float]]:
    """A GeoJSON Polygon (or the largest ring set's outer ring of a MultiPolygon) as [[lat, lon]].

    GeoJSON orders coordinates [lon, lat]; we store [lat, lon].
    """
    kind = geometry.get("type")
    if kind == "Polygon":
        rings = geometry.get("coordinates") or []
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
        rings = max(polygons, key=lambda p: len(p[0]) if p else 0) if polygons else []
    else:
        raise ValueError(f"not a Polygon or MultiPolygon: {kind!r}")
    if not rings or len(rings[0]) < 3:
        raise ValueError("the polygon has no outer ring")
    outer = [[float(p[1]), float(p[0])] for p in rings[0]]
    if outer[0] == outer[-1]:
        outer.pop()
    for lat, lon in outer:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"coordinate out of range: {lon}, {lat}")
    return outer


def boundaries_import(*, municipality: Municipality, geojson: dict[str, Any]) -> list[str]:
    """Load a city's outline and its districts' boundaries from a GeoJSON FeatureCollection.

    A feature whose properties say ``"city": true`` is the city's outline; any other names its
    district by ``district`` (number) or ``name`` (compared after Persian normalisation). All or
    nothing: an unknown district or a bad polygon leaves every boundary as it was. Returns what
    was set, one line each.
    """
    features = geojson.get("features") if isinstance(geojson, dict) else None
    if not isinstance(features, list) or not features:
        raise ValueError("expected a GeoJSON FeatureCollection with features")
    districts = list(District.objects.filter(municipality=municipality))
    by_number = {d.number: d for d in districts}
    by_name = {normalize_fa(d.name): d for d in districts}
    city: list[list[float]] | None = None
    found: dict[int, tuple[District, list[list[float]]]] = {}
    for index, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        polygon = polygon_from_geojson(feature.get("geometry") or {})
        if props.get("city") is True:
            city = polygon
            continue
        number = props.get("district")
        district = (
            by_number.get(int(number))
            if isinstance(number, int | str) and str(number).isdigit()
            else by_name.get(normalize_fa(str(props.get("name") or "")))
        )
        if district is None:
            raise ValueError(f"feature {index}: no district {number or props.get('name')!r}")
        found[district.pk] = (district, polygon)
    done = []
    with transaction.atomic():
        if city is not None:
            municipality.boundary = city
            municipality.save(update_fields=["boundary"])
            done.append(f"city: {len(city)} points")
        for district, polygon in found.values():
            district.boundary = polygon
            district.save(update_fields=["boundary"])
            done.append(f"district {district.number} ({district.name}): {len(polygon)} points")
        audit_record(
            municipality_id=municipality.pk,
            actor_id=None,
            action="city.boundaries",
            object_type="municipality",
            object_id=municipality.slug,
            data={"set": done},
        )
    return done


def district_for_address(municipality: Municipality, address: str) -> District | None:
    """The district an address names: its name, or one of its places (streets, squares, areas).

    The longest name found wins (``بلوار جرجان`` over ``جرجان``); None when nothing matches or
    two districts match equally well.
    """
    key = f" {normalize_fa(address)} "
    if not key.strip():
        return None
    best: dict[int, int] = {}
    districts = {d.pk: d for d in District.objects.filter(municipality=municipality)}
    for district in districts.values():
        for name in [
            district.name,
            f"منطقه {district.number}",
            *district.places.splitlines(),
        ]:  # data:
            norm = normalize_fa(name)
            if norm and f" {norm} " in key:
                best[district.pk] = max(best.get(district.pk, 0), len(norm))
    if not best:
        return None
    top = max(best.values())
    winners = [pk for pk, length in best.items() if length == top]
    return districts[winners[0]] if len(winners) == 1 else None
