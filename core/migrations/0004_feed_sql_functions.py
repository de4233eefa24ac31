"""SQL helpers of the feed pipeline: digit, date and month checks without casts that
can fail, and the IIN/BIN check digit (the algorithm of core.validators.is_valid_iin_bin;
tests compare both). Plain SQL functions, so PostgreSQL inlines them into set-based
queries.
"""

from django.db import migrations

FUNCTIONS = r"""
-- True when v is exactly n ASCII digits (no regular expression: this runs on every cell).
CREATE OR REPLACE FUNCTION feed_is_digits(v text, n int) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT octet_length(v) = n AND ltrim(v, '0123456789') = ''
$$;

-- True when v is a real calendar date written YYYY-MM-DD.
CREATE OR REPLACE FUNCTION feed_is_date(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL OR octet_length(v) <> 10 OR substr(v, 5, 1) <> '-' OR substr(v, 8, 1) <> '-'
             OR ltrim(substr(v, 1, 4) || substr(v, 6, 2) || substr(v, 9, 2), '0123456789') <> ''
            THEN false
        WHEN substr(v, 1, 4) = '0000' OR substr(v, 6, 2)::int NOT BETWEEN 1 AND 12 THEN false
        WHEN substr(v, 9, 2)::int BETWEEN 1 AND 28 THEN true
        ELSE substr(v, 9, 2)::int BETWEEN 1 AND extract(day FROM
            make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
            + interval '1 month' - interval '1 day')::int
    END
$$;

-- True when v is a month written YYYY-MM.
CREATE OR REPLACE FUNCTION feed_is_month(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL OR octet_length(v) <> 7 OR substr(v, 5, 1) <> '-'
             OR ltrim(substr(v, 1, 4) || substr(v, 6, 2), '0123456789') <> '' THEN false
        ELSE substr(v, 1, 4) <> '0000' AND substr(v, 6, 2)::int BETWEEN 1 AND 12
    END
$$;

-- Kazakhstan IIN/BIN: 12 digits; the sum of the first 11 times weights 1..11 mod 11 is the
-- check digit; when it is 10, again with weights 3..11,1,2; when 10 again, invalid.
CREATE OR REPLACE FUNCTION feed_iin_bin_valid(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL OR octet_length(v) <> 12 OR ltrim(v, '0123456789') <> '' THEN false
        -- COALESCE evaluates the second sum only when the first is 10.
        ELSE COALESCE(
            NULLIF((((ascii(substr(v, 1, 1)) - 48) * 1 + (ascii(substr(v, 2, 1)) - 48) * 2 + (ascii(substr(v, 3, 1)) - 48) * 3
                 + (ascii(substr(v, 4, 1)) - 48) * 4 + (ascii(substr(v, 5, 1)) - 48) * 5 + (ascii(substr(v, 6, 1)) - 48) * 6
                 + (ascii(substr(v, 7, 1)) - 48) * 7 + (ascii(substr(v, 8, 1)) - 48) * 8 + (ascii(substr(v, 9, 1)) - 48) * 9
                 + (ascii(substr(v, 10, 1)) - 48) * 10 + (ascii(substr(v, 11, 1)) - 48) * 11) % 11), 10),
            NULLIF((((ascii(substr(v, 1, 1)) - 48) * 3 + (ascii(substr(v, 2, 1)) - 48) * 4 + (ascii(substr(v, 3, 1)) - 48) * 5
                 + (ascii(substr(v, 4, 1)) - 48) * 6 + (ascii(substr(v, 5, 1)) - 48) * 7 + (ascii(substr(v, 6, 1)) - 48) * 8
                 + (ascii(substr(v, 7, 1)) - 48) * 9 + (ascii(substr(v, 8, 1)) - 48) * 10 + (ascii(substr(v, 9, 1)) - 48) * 11
                 + (ascii(substr(v, 10, 1)) - 48) * 1 + (ascii(substr(v, 11, 1)) - 48) * 2) % 11), 10),
            -1) = ascii(substr(v, 12, 1)) - 48
    END
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS feed_iin_bin_valid(text);
DROP FUNCTION IF EXISTS feed_is_month(text);
DROP FUNCTION IF EXISTS feed_is_date(text);
DROP FUNCTION IF EXISTS feed_is_digits(text, int);
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_feed_files")]
    operations = [migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS)]
