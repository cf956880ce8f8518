"""Serving: waitress in front of the app, background jobs beside it in the embedded default."""
import logging


def serve_app(app, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve

    from consortium.jobs import get_jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    runner = get_jobs(app)
    if app.config["CONSORTIUM_BACKGROUND_JOBS"]:
        runner.start()
    try:
        serve(app, host=host, port=port, threads=threads)
    finally:
        runner.stop()
