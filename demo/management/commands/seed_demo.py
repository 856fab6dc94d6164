"""`manage.py seed_demo --size tiny|small|large [--flush] [--seed N]`: the demo and benchmark data.

Sizes: `tiny` (tests), `small` (frontend work), `large` (benchmark: 10,000+ users, 100,000
competitions, 1,000,000 proposals, 1,000,000 notifications). How the rows are made: demo/seeding.py.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.seeding import SIZES, DemoSeeder, demo_data_present


class Command(BaseCommand):
    help = "Seeds realistic demo data with bulk inserts (sizes: tiny, small, large)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="TRUNCATE users, competitions, proposals, reviews, notifications and payments first.",
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed (same seed, same data shape).")

    def handle(self, *args, **options) -> None:
        seeder = DemoSeeder(SIZES[options["size"]], seed=options["seed"], write=self.stdout.write)
        started = time.monotonic()
        if not options["flush"] and demo_data_present():
            raise CommandError("Demo data already present: run again with --flush to replace it.")
        seeder.run(flush=options["flush"])
        total = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Seeded '{options['size']}': {seeder.rows_written():,} rows in {total:.1f} s")
        )
        for line in seeder.summary():
            self.stdout.write(line)
