"""``lantern staffing``: advocates needed per hour of the week, from a period's contacts."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lantern.routing import erlang, simulation, staffing


class Command(BaseCommand):
    help = (
        "Advocates needed per hour of the week to meet a service level (Erlang C), from the "
        "contacts between --from and --to; --simulate checks each day's plan with priority, "
        "reserved advocates and abandonment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--target", default="80/20", help="PERCENT/SECONDS (default 80/20)")
        parser.add_argument("--max-occupancy", type=float, default=0.85, help="0-1, default 0.85")
        parser.add_argument("--simulate", action="store_true", help="simulate each weekday")
        parser.add_argument("--reserved", type=int, default=1, help="advocates kept for urgent")
        parser.add_argument(
            "--minimum", type=int, default=1, help="advocates in every hour, however quiet"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        try:
            start, end = date.fromisoformat(o["start"]), date.fromisoformat(o["end"])
            share, seconds = erlang.parse_target(o["target"])
            if end < start:
                raise ValueError("--to is before --from")
            if not 0 < o["max_occupancy"] <= 1:
                raise ValueError("--max-occupancy is a share between 0 and 1, e.g. 0.85")
            if o["minimum"] < 0:
                raise ValueError("--minimum cannot be negative")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        tz = timezone.get_current_timezone()
        by_hour = staffing.volumes(start, end, tz)
        handle = staffing.handle_times(start, end, tz)
        cells = staffing.plan(
            by_hour, handle, target=share, answer_within=seconds,
            max_occupancy=o["max_occupancy"], minimum=o["minimum"],
        )  # fmt: skip
        simulated = self._simulate(by_hour, handle, cells, o["reserved"]) if o["simulate"] else {}
        if o["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "from": str(start),
                        "to": str(end),
                        "target": o["target"],
                        "agents": {
                            day: [cells[(d, h)].agents for h in range(24)]
                            for d, day in enumerate(staffing.DAYS, 1)
                        },
                        "simulation": simulated,
                    }  # fmt: skip
                )
            )
            return
        self.stdout.write(
            f"Advocates needed for {o['target']} (occupancy at most "
            f"{o['max_occupancy']:.0%}), from contacts {start} to {end} ({tz}):\n"
        )
        self.stdout.write("Hour  " + "".join(f"{d:>5}" for d in staffing.DAYS))
        for hour in range(24):
            row = "".join(f"{cells[(d, hour)].agents:>5}" for d in range(1, 8))
            self.stdout.write(f"{hour:02d}:00{row}")
        total = sum(c.agents for c in cells.values())
        self.stdout.write(f"\n{total} advocate-hours a week.")
        for day, result in simulated.items():
            self.stdout.write(f"\nSimulated {day} (wait seconds: p50 / p95 / max; abandoned):")
            for urgency in simulation.URGENCIES:
                s = result[urgency]
                self.stdout.write(
                    f"  {urgency:<11} {_s(s['p50'])} / {_s(s['p95'])} / {_s(s['max'])}; "
                    f"{s['abandoned']} of {s['answered'] + s['abandoned']} abandoned"
                )
            self.stdout.write(f"  occupancy {result['occupancy']:.0%}")

    def _simulate(self, by_hour, handle, cells, reserved) -> dict:
        mix = staffing.urgency_mix()
        contacts = sum(by_hour.values()) or 1
        mean_handle = (
            sum(
                n * handle.get(ch, 900) / staffing.CONCURRENCY.get(ch, 1)
                for (_, _, ch), n in by_hour.items()
            )
            / contacts
        )
        out = {}
        for d, day in enumerate(staffing.DAYS, 1):
            arrivals = [
                {u: share * sum(n for (wd, h, _), n in by_hour.items() if wd == d and h == hour)
                 for u, share in mix.items()}
                for hour in range(24)
            ]  # fmt: skip
            agents = [cells[(d, hour)].agents for hour in range(24)]
            result = simulation.simulate_day(
                arrivals=arrivals, agents=agents, handle_seconds=mean_handle, reserved=reserved
            )
            out[day] = result.summary()
        return out


def _s(value) -> str:
    return "-" if value is None else f"{value:.0f}"
