from tests.insurance.conftest import insurer, other_insurer, story  # noqa: F401
