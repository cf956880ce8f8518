"""``/healthz`` (the process answers), ``/readyz`` (it can serve: 503 with the reasons when
not) and ``/metrics`` (Prometheus text format)."""
from flask import Blueprint, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from consortium.operations import probes
from consortium.operations.metrics import get_metrics

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    result = probes.readiness(current_app._get_current_object())
    if result.ready:
        return jsonify(status="ready", checks=result.checks)
    body = {"code": 503, "status": "Service Unavailable", "message": "Not ready: " + "; ".join(result.reasons.values()),
            "errors": {name: [reason] for name, reason in result.reasons.items()}, "checks": result.checks}
    return jsonify(body), 503, {"Retry-After": "30", "Cache-Control": "no-store"}


@bp.get("/metrics")
def metrics():
    if not current_app.config["OPERATIONS_METRICS"]:
        return jsonify(code=404, status="Not Found", message="Metrics are switched off.", errors={}), 404
    return generate_latest(get_metrics(current_app).registry), 200, {"Content-Type": CONTENT_TYPE_LATEST}
