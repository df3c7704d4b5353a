"""CoT-Pose Studio web app: ``python app.py [--port 7860] [--data-dir runtime]`` (see docs/app.md)."""
from __future__ import annotations

import logging
import os
import threading

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")  # headless rendering; must precede any pyrender import
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from pathlib import Path  # noqa: E402

from core.generate import DEFAULT_CHECKPOINT  # noqa: E402
from db import open_store  # noqa: E402
from db.config import DB_FILE_NAME  # noqa: E402
from ui.auth import ensure_first_admin  # noqa: E402
from ui.config import AppConfig, load_config  # noqa: E402
from ui.jobs import JobManager  # noqa: E402
from ui.layout import CSS, build_app  # noqa: E402
from ui.model_holder import ModelHolder  # noqa: E402
from ui.pose_assets import OutputArea  # noqa: E402
from ui.runner import make_runner  # noqa: E402
from ui.shortcuts import SHORTCUTS_JS  # noqa: E402

log = logging.getLogger("cotpose.app")
LIGHT_EVENT_CONCURRENCY = 4  # sign-in, review and train-tab events; generation has its own cap


def prepare(config: AppConfig):
    """Open (and upgrade) the database, create the first admin, reconcile jobs, pick the Demo model."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    url = config.database_url or f"sqlite:///{config.data_dir / DB_FILE_NAME}"
    store = open_store(url, exports_root=config.exports_dir)
    note = ensure_first_admin(store, config.admin_user, config.admin_password)
    if note:
        log.warning(note)
    jobs = JobManager(store, make_runner(config.runner), config.jobs_dir, config.train_launcher)
    jobs.register_shipped(DEFAULT_CHECKPOINT)
    for job in jobs.refresh_running():
        log.info("job %s after restart: %s%s", job.id, job.state, f" ({job.error})" if job.error else "")
    active = store.jobs.active_checkpoint()
    checkpoint = config.checkpoint or (Path(active.path) if active else None)
    holder = ModelHolder(checkpoint)
    return store, jobs, holder


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = load_config(argv)
    store, jobs, holder = prepare(config)
    threading.Thread(target=holder.warm_up, name="model-warm-up", daemon=True).start()
    outputs = OutputArea(config.outputs_dir)
    app = build_app(store, holder, jobs, outputs, config.generation_concurrency)
    # One bounded queue: at most queue_size requests wait (the rest are told to retry); generation runs at most
    # config.generation_concurrency at a time (its own concurrency_id), each other event LIGHT_EVENT_CONCURRENCY.
    app.queue(default_concurrency_limit=LIGHT_EVENT_CONCURRENCY, max_size=config.queue_size)
    app.launch(server_name=config.host, server_port=config.port, allowed_paths=[str(config.outputs_dir)],
               show_error=True, js=SHORTCUTS_JS, css=CSS, footer_links=["api"])


if __name__ == "__main__":
    main()
