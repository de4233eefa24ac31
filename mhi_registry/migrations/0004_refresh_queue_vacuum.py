"""The refresh queue is filled by every load and emptied by the refresh: vacuumed
soon after, its indexes cleaned every time.

A status look-up reads the queue for each asked IIN. Left to PostgreSQL's defaults,
the queue is vacuumed only once a fifth of it is dead, and a vacuum that finds few
dead rows skips the indexes: their dead entries stay, and a look-up steps over
them (137 index pages for one IIN, measured on a queue 2 000 000 rows had passed
through, against 3 once cleaned).
"""

from django.db import migrations

TABLE = "mhi_registry_pendingrefresh"


class Migration(migrations.Migration):
    dependencies = [("mhi_registry", "0003_payment_delivered_index")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} SET (vacuum_index_cleanup = on, "
            "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000)",
            f"ALTER TABLE {TABLE} RESET (vacuum_index_cleanup, "
            "autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)",
        )
    ]
