"""Creates the configured MySQL/MariaDB database (utf8mb4) when it does not exist yet."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "freelance_arena.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.conf import settings  # noqa: E402

db = settings.DATABASES["default"]
if "mysql" not in db["ENGINE"]:
    sys.exit(0)  # DATABASE_URL points elsewhere (e.g. SQLite): nothing to create

import MySQLdb  # noqa: E402

connection = MySQLdb.connect(
    host=db["HOST"] or "127.0.0.1",
    port=int(db["PORT"] or 3306),
    user=db["USER"],
    password=db["PASSWORD"],
    charset="utf8mb4",
)
name = db["NAME"].replace("`", "")
with connection.cursor() as cursor:
    cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
connection.close()
print(f">> database {name} ready")
