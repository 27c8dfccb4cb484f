import time

from django.core.management.base import BaseCommand, CommandError

from lantern.demo.directory_seeding import seed_directory


class Command(BaseCommand):
    help = (
        "Add an obviously synthetic national referral directory: N organizations with 1-4 "
        "services and 1-3 locations each, across all states and territories, then rebuild the "
        "search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=3200, help="Organizations (default 3200).")
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed, for repeatable data."
        )

    def handle(self, *args, size: int, seed: int | None, **options):
        if size < 1:
            raise CommandError("--size must be 1 or more")
        started = time.perf_counter()
        seed_directory(size, random_seed=seed, progress=self.stdout.write)
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f}s.")
