"""A final form version is immutable by any path: ORM, admin, raw SQL.

The trigger allows exactly the lifecycle of ``reports.models``: a draft may
be finalised (status, finalised_at, finalised_by) or deleted; a final version
may only be marked, once, as superseded by the correction that replaced it
(superseded_by, superseded_at). The content of any version never changes.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION reports_formversion_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'final' THEN
            RAISE EXCEPTION 'reports: form version % is final and cannot be deleted', OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;

    -- The content of a version is written once, at generation.
    IF (NEW.id, NEW.form, NEW.period, NEW.number, NEW.kind, NEW.corrects_id,
        NEW.generated_at, NEW.generated_by_id, NEW.source, NEW.fingerprint,
        NEW.header, NEW.rows, NEW.total, NEW.checks, NEW.checks_failed, NEW.diff)
       IS DISTINCT FROM
       (OLD.id, OLD.form, OLD.period, OLD.number, OLD.kind, OLD.corrects_id,
        OLD.generated_at, OLD.generated_by_id, OLD.source, OLD.fingerprint,
        OLD.header, OLD.rows, OLD.total, OLD.checks, OLD.checks_failed, OLD.diff) THEN
        RAISE EXCEPTION 'reports: the content of form version % cannot be changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;

    IF OLD.status = 'final' THEN
        -- The only update a final version accepts: recording, once, the
        -- correction that superseded it.
        IF NOT (OLD.superseded_by_id IS NULL
                AND NEW.superseded_by_id IS NOT NULL
                AND NEW.superseded_at IS NOT NULL
                AND NEW.status = OLD.status
                AND NEW.finalised_at IS NOT DISTINCT FROM OLD.finalised_at
                AND NEW.finalised_by_id IS NOT DISTINCT FROM OLD.finalised_by_id) THEN
            RAISE EXCEPTION 'reports: form version % is final and cannot be changed', OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
    ELSIF NEW.superseded_by_id IS NOT NULL OR NEW.superseded_at IS NOT NULL THEN
        RAISE EXCEPTION 'reports: draft form version % cannot be superseded', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reports_formversion_guard
    BEFORE UPDATE OR DELETE ON reports_formversion
    FOR EACH ROW EXECUTE FUNCTION reports_formversion_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reports_formversion_guard ON reports_formversion;
DROP FUNCTION IF EXISTS reports_formversion_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTION, REVERSE)]
