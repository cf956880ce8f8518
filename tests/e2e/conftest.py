"""The demo site every page test walks (built once per session and worker)."""
import pytest

from tests import site_tour

demo_site = pytest.fixture(scope="session")(site_tour.demo_site)
