"""The production shape on loopback (PostgreSQL, two web processes, one worker, SMTP) passes
the journeys' API checks: ``python -m bench.deploy_check``, as an operator runs it."""
import os
import subprocess
import sys

import pytest

from tests.conftest import PG_ENV, REPO, skip_or_fail

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_the_deployment_check_passes_on_the_production_shape(tmp_path):
    """Every check passes (exit 0) and the summary counts no failure."""
    if not os.environ.get(PG_ENV):
        skip_or_fail(f"the deployment check needs the PostgreSQL server of .ci/postgres.sh ({PG_ENV})")
    done = subprocess.run([sys.executable, "-m", "bench.deploy_check", "--keep", str(tmp_path / "shape")], cwd=REPO,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout and "All deployment checks passed." in done.stdout
    assert "FAIL" not in done.stdout
