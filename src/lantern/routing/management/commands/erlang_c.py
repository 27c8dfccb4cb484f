"""``lantern erlang_c``: the quick calculator for one interval (see ``routing.erlang``)."""

import json

from django.core.management.base import BaseCommand, CommandError

from lantern.routing import erlang


class Command(BaseCommand):
    requires_system_checks = []  # arithmetic only: works before the database exists
    help = (
        "Erlang C for one interval: probability of waiting, service level, average speed of "
        "answer and occupancy; without --agents, the fewest agents that meet --target."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=float, required=True, help="contacts in the period")
        parser.add_argument("--period-minutes", type=float, default=30)
        parser.add_argument("--handle-seconds", type=float, required=True)
        parser.add_argument("--agents", type=int, help="advocates on the lines")
        parser.add_argument("--answer-within", type=float, help="seconds (default: the target's)")
        parser.add_argument("--target", default="80/20", help="PERCENT/SECONDS, e.g. 80/20")
        parser.add_argument("--max-occupancy", type=float, default=1.0, help="e.g. 0.6")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **o):
        try:
            share, seconds = erlang.parse_target(o["target"])
            within = seconds if o["answer_within"] is None else o["answer_within"]
            if o["contacts"] < 0 or o["handle_seconds"] <= 0 or o["period_minutes"] <= 0:
                raise ValueError("contacts must be 0 or more; handle time and period above 0")
            common = dict(
                contacts=o["contacts"],
                period_seconds=o["period_minutes"] * 60,
                handle_seconds=o["handle_seconds"],
                answer_within=within,
            )
            if o["agents"] is None:
                result = erlang.agents_needed(
                    target=share, max_occupancy=o["max_occupancy"], **common
                )
            else:
                if o["agents"] < 1:
                    raise ValueError("--agents must be at least 1")
                result = erlang.erlang_c(agents=o["agents"], **common)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        figures = {
            "agents": result.agents,
            "traffic_erlangs": round(result.traffic, 4),
            "p_wait": round(result.p_wait, 4),
            "service_level": round(result.service_level, 4),
            "asa_seconds": None
            if result.asa_seconds == float("inf")
            else round(result.asa_seconds, 2),
            "occupancy": round(result.occupancy, 4),
            "answer_within": within,
        }
        if o["json"]:
            self.stdout.write(json.dumps(figures))
            return
        met = result.service_level >= share
        lines = [
            f"Agents:                    {result.agents}"
            + ("" if o["agents"] is not None else f"  (fewest for {o['target']})"),
            f"Offered load:              {result.traffic:.2f} Erlangs",
            f"Probability of waiting:    {result.p_wait:.4f}",
            f"Service level:             {result.service_level * 100:.1f}% answered within "
            f"{within:g} s ({'meets' if met else 'misses'} {share * 100:g}%)",
            f"Average speed of answer:   {figures['asa_seconds']} s",
            f"Occupancy:                 {result.occupancy * 100:.1f}%",
        ]
        if result.occupancy > 0.6:
            lines.append(
                "Note: above ~60% occupancy a crisis line makes urgent callers wait; "
                "try --max-occupancy 0.6."
            )
        self.stdout.write("\n".join(lines))
