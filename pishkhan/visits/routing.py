"""Route planning, pure Python (no database): used by visits_plan and by bench/visits_plan.py.

1. Stops: cases within ``cluster_m`` of each other are one stop (visited together).
2. Assignment: each stop goes to an eligible senior manager (service domain), preferring one
   who already has stops in that district, then the least loaded relative to capacity.
3. Days: a manager's stops are split over the days he is present (capacity per day).
4. Order: nearest-neighbour from the start point, improved by 2-opt (open path, fixed start).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

EARTH_RADIUS_M = 6_371_000.0
DISTRICT_AFFINITY = 2.0  # visits
Point = tuple[float, float]


def haversine_m(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def path_length(start: Point, points: list[Point], order: list[int]) -> float:
    total, here = 0.0, start
    for i in order:
        total += haversine_m(here, points[i])
        here = points[i]
    return total


def nearest_neighbour(start: Point, points: list[Point]) -> list[int]:
    left = set(range(len(points)))
    order: list[int] = []
    here = start
    while left:
        nxt = min(left, key=lambda i: (haversine_m(here, points[i]), i))
        order.append(nxt)
        left.remove(nxt)
        here = points[nxt]
    return order


def two_opt(start: Point, points: list[Point], order: list[int]) -> list[int]:
    """Reverse segments while that shortens the open path starting at ``start``."""
    route = list(order)
    n = len(route)
    if n < 3:
        return route

    def pt(k: int) -> Point:
        return start if k < 0 else points[route[k]]

    improved = True
    while improved:
        improved = False
        for i in range(n - 1):
            for j in range(i + 1, n):
                a, b = pt(i - 1), pt(i)
                c = pt(j)
                before = haversine_m(a, b)
                after = haversine_m(a, c)
                if j + 1 < n:
                    d = pt(j + 1)
                    before += haversine_m(c, d)
                    after += haversine_m(b, d)
                if after + 1e-6 < before:
                    route[i : j + 1] = reversed(route[i : j + 1])
                    improved = True
    return route


@dataclass
class Item:
    """One case to visit."""

    key: int
    point: Point
    domain: str
    district: int | None


@dataclass
class Stop:
    point: Point
    district: int | None
    domain: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Manager:
    key: int
    domains: set[str]
    capacity: int  # cases per day
    days: list[dt.date]  # days present


@dataclass
class PlannedItem:
    key: int
    manager: int
    day: dt.date
    order: int
    distance_m: int
    travel_minutes: int
    planned_at: dt.datetime


@dataclass
class Plan:
    items: list[PlannedItem]
    unplanned: list[int]
    length_nn_m: float = 0.0
    length_m: float = 0.0


def make_stops(items: list[Item], cluster_m: float) -> list[Stop]:
    """Group cases of the same domain within ``cluster_m`` of a stop's first case."""
    stops: list[Stop] = []
    cell = cluster_m / 111_000.0  # degrees of latitude; grid for a near-linear scan
    grid: dict[tuple[int, int], list[Stop]] = {}
    for item in sorted(items, key=lambda x: x.key):
        gx, gy = int(item.point[0] // cell), int(item.point[1] // cell)
        found = None
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for stop in grid.get((gx + dx, gy + dy), []):
                    if (
                        stop.domain == item.domain
                        and haversine_m(stop.point, item.point) <= cluster_m
                    ):
                        found = stop
                        break
                if found:
                    break
            if found:
                break
        if found is None:
            found = Stop(point=item.point, district=item.district, domain=item.domain)
            grid.setdefault((gx, gy), []).append(found)
            stops.append(found)
        found.items.append(item)
    return stops


def assign(
    stops: list[Stop], managers: list[Manager], load: dict[int, int] | None = None
) -> tuple[dict[int, list[Stop]], list[Stop]]:
    """Stop → manager by domain, district affinity and load; respects total capacity."""
    load = dict(load or {})
    capacity = {m.key: m.capacity * len(m.days) for m in managers}
    districts: dict[int, set[int | None]] = {m.key: set() for m in managers}
    result: dict[int, list[Stop]] = {m.key: [] for m in managers}
    unplaced: list[Stop] = []
    # big stops first, then by district so that district affinity builds up
    ordered = sorted(stops, key=lambda s: (-len(s.items), s.district or 0, s.items[0].key))
    for stop in ordered:
        size = len(stop.items)
        # a domain nobody covers may go to any senior manager rather than stay unvisited
        covered = any(stop.domain in m.domains for m in managers)
        eligible = [
            m
            for m in managers
            if m.days
            and (stop.domain in m.domains or not stop.domain or not covered)
            and load.get(m.key, 0) + size <= capacity[m.key]
        ]
        if not eligible:
            unplaced.append(stop)
            continue

        def cost(m: Manager, district: int | None = stop.district) -> tuple[float, int]:
            ratio = load.get(m.key, 0) / capacity[m.key]
            # staying in a district already on the route is worth two visits of imbalance
            affinity = 0.0 if district in districts[m.key] else DISTRICT_AFFINITY / capacity[m.key]
            return (ratio + affinity, m.key)

        best = min(eligible, key=cost)
        result[best.key].append(stop)
        load[best.key] = load.get(best.key, 0) + size
        districts[best.key].add(stop.district)
    return result, unplaced


def split_days(
    start: Point, stops: list[Stop], manager: Manager, used: dict[dt.date, int] | None = None
) -> dict[dt.date, list[Stop]]:
    """A manager's stops over his days: a nearest-neighbour sweep cut into day-sized chunks."""
    used = used or {}
    order = nearest_neighbour(start, [s.point for s in stops])
    total = sum(len(s.items) for s in stops)
    days = manager.days
    per_day = dict.fromkeys(days, 0)
    result: dict[dt.date, list[Stop]] = {d: [] for d in days}
    target = math.ceil(total / len(days)) if days else 0
    di = 0
    for idx in order:
        stop = stops[idx]
        size = len(stop.items)
        while di < len(days) - 1 and (
            per_day[days[di]] + used.get(days[di], 0) + size > manager.capacity
            or per_day[days[di]] >= target
        ):
            di += 1
        result[days[di]].append(stop)
        per_day[days[di]] += size
    return result


def order_route(
    start: Point, stops: list[Stop], improve: bool = True
) -> tuple[list[Stop], float, float]:
    """(ordered stops, nearest-neighbour length, final length) in metres."""
    points = [s.point for s in stops]
    nn = nearest_neighbour(start, points)
    nn_len = path_length(start, points, nn)
    best = two_opt(start, points, nn) if improve else nn
    return [stops[i] for i in best], nn_len, path_length(start, points, best)


def timed(
    start: Point,
    day_start: dt.datetime,
    stops: list[Stop],
    *,
    speed_kmh: float,
    on_site_min: int,
    extra_case_min: int = 5,
    first_order: int = 1,
) -> list[tuple[Item, int, int, int, dt.datetime]]:
    """(item, order, distance_m, travel_minutes, planned_at) along an ordered route."""
    rows = []
    here, clock, order = start, day_start, first_order
    for stop in stops:
        dist = haversine_m(here, stop.point)
        travel = math.ceil(dist / 1000.0 / speed_kmh * 60)
        clock += dt.timedelta(minutes=travel)
        for n, item in enumerate(stop.items):
            # Several cases at one stop are seen one after another: each starts when the one
            # before it is done (the first stays on_site_min, the others extra_case_min).
            dwell = (on_site_min + extra_case_min * (n - 1)) if n else 0
            at = clock + dt.timedelta(minutes=dwell)
            rows.append((item, order, int(dist) if n == 0 else 0, travel if n == 0 else 0, at))
            order += 1
        clock += dt.timedelta(minutes=on_site_min + extra_case_min * (len(stop.items) - 1))
        here = stop.point
    return rows


def plan(
    items: list[Item],
    managers: list[Manager],
    *,
    start: Point,
    day_start: dict[dt.date, dt.datetime],
    speed_kmh: float = 25.0,
    on_site_min: int = 20,
    cluster_m: float = 100.0,
    improve: bool = True,
) -> Plan:
    stops = make_stops(items, cluster_m)
    by_manager, unplaced = assign(stops, managers)
    out = Plan(items=[], unplanned=[i.key for s in unplaced for i in s.items])
    for manager in managers:
        for day, day_stops in split_days(start, by_manager[manager.key], manager).items():
            if not day_stops:
                continue
            ordered, nn_len, length = order_route(start, day_stops, improve)
            out.length_nn_m += nn_len
            out.length_m += length
            for item, order, dist, travel, at in timed(
                start, day_start[day], ordered, speed_kmh=speed_kmh, on_site_min=on_site_min
            ):
                out.items.append(PlannedItem(item.key, manager.key, day, order, dist, travel, at))
    return out
