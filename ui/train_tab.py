"""Train tab (admins): dataset exports, LoRA fine-tuning jobs with live logs and losses, checkpoint activation."""
from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd

from core.generate import DEFAULT_CHECKPOINT as SHIPPED_CHECKPOINT
from db import InputError, NotFoundError, Store
from ui.auth import require
from ui.job_files import device_summary, empty_metrics, read_metrics, tail_text
from ui.jobs import Hyperparameters, JobManager
from ui.model_holder import ModelHolder

JOB_COLUMNS = ["job", "state", "export", "epochs", "lr", "started (UTC)", "ended (UTC)", "error"]
CHECKPOINT_COLUMNS = ["id", "job", "active", "metrics", "path"]


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _checkpoint_label(checkpoint) -> str:
    if checkpoint.job_id is None and Path(checkpoint.path) == SHIPPED_CHECKPOINT.resolve():
        return f"checkpoint {checkpoint.id}: shipped demo model"
    return f"checkpoint {checkpoint.id}: job {checkpoint.job_id}" if checkpoint.job_id else \
        f"checkpoint {checkpoint.id}: {checkpoint.path}"


def _metrics_text(metrics: dict) -> str:
    flat = {key: value for key, value in metrics.items() if isinstance(value, (int, float, str))}
    return ", ".join(f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"
                     for key, value in sorted(flat.items())) or "(no evaluation recorded)"


class TrainHandlers:
    """Server-side handlers of the Train tab; every one checks for an admin first."""

    def __init__(self, store: Store, jobs: JobManager, holder: ModelHolder) -> None:
        self.store = store
        self.jobs = jobs
        self.holder = holder

    # -- tables and menus ------------------------------------------------------------------------------------
    def _export_choices(self) -> list[tuple[str, int]]:
        return [(f"{e.name}-v{e.version} · {e.count} samples · sha256 {e.sha256[:10]}", e.id)
                for e in self.store.exports.list()]

    def _checkpoint_choices(self) -> list[tuple[str, int]]:
        return [(_checkpoint_label(c), c.id) for c in self.store.jobs.list_checkpoints()]

    def _base_choices(self) -> list[tuple[str, str]]:
        return [(_checkpoint_label(c), c.path) for c in self.store.jobs.list_checkpoints()]

    def _job_choices(self) -> list[tuple[str, int]]:
        return [(f"job {j.id} · {j.state} · {_when(j.created_at)}", j.id) for j in self.store.jobs.list_jobs()]

    def _jobs_table(self) -> pd.DataFrame:
        exports = {e.id: f"{e.name}-v{e.version}" for e in self.store.exports.list()}
        rows = [[j.id, j.state, exports.get(j.export_id, ""), j.config.get("finetune", {}).get("epochs", ""),
                 j.config.get("finetune", {}).get("lr", ""), _when(j.started_at), _when(j.ended_at),
                 (j.error or "")[-200:]] for j in self.store.jobs.list_jobs()]
        return pd.DataFrame(rows, columns=JOB_COLUMNS)

    def _checkpoints_table(self) -> pd.DataFrame:
        rows = [[c.id, c.job_id or "", "✓" if c.active else "", _metrics_text(c.metrics), c.path]
                for c in self.store.jobs.list_checkpoints()]
        return pd.DataFrame(rows, columns=CHECKPOINT_COLUMNS)

    def _active_text(self) -> str:
        active = self.store.jobs.active_checkpoint()
        serving = self.holder.checkpoint or SHIPPED_CHECKPOINT
        label = _checkpoint_label(active) if active else "the shipped demo checkpoint"
        return f"**Demo model**: {label} · serving `{serving}`"

    def overview(self, user):
        """Everything the tab lists: exports, base checkpoints, jobs and checkpoints (reconciling running jobs)."""
        require(self.store, user, "admin")
        self.jobs.refresh_running()
        exports, bases, active = self._export_choices(), self._base_choices(), self.store.jobs.active_checkpoint()
        return (gr.Dropdown(choices=exports, value=exports[0][1] if exports else None),
                gr.Dropdown(choices=bases, value=active.path if active else (bases[0][1] if bases else None)),
                gr.Dropdown(choices=self._job_choices()), self._jobs_table(),
                gr.Dropdown(choices=self._checkpoint_choices()), self._checkpoints_table(), self._active_text(),
                f"**Training device**: {device_summary()} · runner: {self.jobs.runner.name}")

    def overview_if_admin(self, user):
        """The overview for admins, nothing for annotators (used right after sign-in)."""
        if user is None or user.role != "admin":
            return tuple(gr.skip() for _ in range(8))
        return self.overview(user)

    # -- actions ---------------------------------------------------------------------------------------------
    def export(self, user, name):
        """Freeze the approved samples into the next version of dataset ``name``."""
        user = require(self.store, user, "admin")
        try:
            info = self.store.exports.export((name or "").strip(), created_by=user.id)
        except InputError as exc:
            raise gr.Error(str(exc)) from exc
        exports = self._export_choices()
        return (gr.Dropdown(choices=exports, value=info.id),
                f"Exported {info.count} approved samples to `{info.path}` (sha256 {info.sha256[:12]}).")

    def launch(self, user, export_id, base, lora_r, lora_alpha, lora_dropout, epochs, batch_size, lr):
        """Start a fine-tuning job in its own process."""
        user = require(self.store, user, "admin")
        if export_id is None:
            raise gr.Error("Pick a dataset export first (or export the approved samples).")
        if not base:
            raise gr.Error("Pick a base checkpoint.")
        try:
            hyper = Hyperparameters(int(lora_r), int(lora_alpha), float(lora_dropout), int(epochs), int(batch_size),
                                    float(lr))
            job = self.jobs.launch(user.id, int(export_id), Path(base), hyper)
        except (ValueError, NotFoundError, OSError) as exc:
            raise gr.Error(f"Could not launch: {exc}") from exc
        return gr.Dropdown(choices=self._job_choices(), value=job.id), self._jobs_table(), \
            f"Started job {job.id} (pid {job.pid})."

    def watch(self, user, job_id):
        """Status line, log tail and loss curves of one job (polled by a timer while the tab is open)."""
        require(self.store, user, "admin")
        if job_id is None:
            return "No job selected.", "", empty_metrics(), gr.skip(), gr.skip(), gr.skip()
        try:
            job = self.jobs.refresh(self.store.jobs.get_job(int(job_id)))
        except NotFoundError as exc:
            raise gr.Error(str(exc)) from exc
        status = f"**Job {job.id}**: {job.state}"
        if job.pid:
            status += f" · pid {job.pid} on {job.host}"
        if job.error:
            status += f"  \n{job.error}"
        log = tail_text(Path(job.log_path)) if job.log_path else ""
        return (status, log, read_metrics(self.jobs.metrics_path(job)), self._jobs_table(),
                self._checkpoints_table(), gr.Dropdown(choices=self._checkpoint_choices()))

    def tick(self, user, job_id):
        """What :meth:`watch` shows, plus the job menu relabelled with each job's current state."""
        return (*self.watch(user, job_id), gr.Dropdown(choices=self._job_choices()))

    def cancel(self, user, job_id):
        """Ask a running job to stop."""
        require(self.store, user, "admin")
        if job_id is None:
            raise gr.Error("Select a job to cancel.")
        try:
            self.jobs.cancel(int(job_id))
        except (ValueError, NotFoundError) as exc:
            raise gr.Error(str(exc)) from exc
        return f"Cancel requested for job {job_id}; it stops within a few seconds."

    def activate(self, user, checkpoint_id):
        """Serve this checkpoint in the Demo tab from the next request on."""
        require(self.store, user, "admin")
        if checkpoint_id is None:
            raise gr.Error("Select a checkpoint to activate.")
        matches = [c for c in self.store.jobs.list_checkpoints() if c.id == int(checkpoint_id)]
        if not matches:
            raise gr.Error(f"checkpoint {checkpoint_id} does not exist")
        try:
            self.holder.activate(Path(matches[0].path))
        except Exception as exc:  # any load failure: keep serving the old model and say why
            raise gr.Error(f"Could not load checkpoint {checkpoint_id}: {exc}") from exc
        self.store.jobs.activate_checkpoint(int(checkpoint_id))
        return self._checkpoints_table(), self._active_text()


def build_train_tab(handlers: TrainHandlers, user_state: gr.State) -> dict:
    """Lay out the Train tab; returns the timer and the overview outputs for the sign-in flow."""
    device = gr.Markdown(elem_id="train-device")
    with gr.Row():
        export = gr.Dropdown(label="Dataset export", choices=[], elem_id="train-export", scale=3)
        base = gr.Dropdown(label="Base checkpoint", choices=[], elem_id="train-base", scale=3)
        refresh = gr.Button("Refresh lists", scale=1, elem_id="train-refresh")
    with gr.Accordion("Export approved samples as a new dataset version", open=False):
        with gr.Row():
            export_name = gr.Textbox(label="Dataset name", value="approved", elem_id="train-export-name", scale=3)
            export_button = gr.Button("Export", scale=1, elem_id="train-export-button")
    with gr.Row():
        defaults = Hyperparameters()
        lora_r = gr.Number(label="LoRA r", value=defaults.lora_r, precision=0, elem_id="train-lora-r")
        lora_alpha = gr.Number(label="LoRA alpha", value=defaults.lora_alpha, precision=0)
        lora_dropout = gr.Number(label="LoRA dropout", value=defaults.lora_dropout)
        epochs = gr.Number(label="Epochs", value=defaults.epochs, precision=0, elem_id="train-epochs")
        batch_size = gr.Number(label="Batch size", value=defaults.batch_size, precision=0)
        lr = gr.Number(label="Learning rate", value=defaults.lr, elem_id="train-lr")
        launch = gr.Button("Launch training", variant="primary", elem_id="train-launch")
    message = gr.Markdown(elem_id="train-message")
    with gr.Row():
        with gr.Column(scale=1):
            job = gr.Dropdown(label="Job", choices=[], elem_id="train-job")
            status = gr.Markdown(elem_id="train-status")
            cancel = gr.Button("Cancel job", variant="stop", elem_id="train-cancel")
        with gr.Column(scale=2):
            plot = gr.LinePlot(empty_metrics(), x="step", y="value", color="metric",
                               title="Training losses", height=260, elem_id="train-plot")
    log = gr.Textbox(label="Log (last lines)", lines=8, max_lines=8, interactive=False, autoscroll=True,
                     elem_id="train-log")
    jobs_table = gr.Dataframe(label="Jobs", interactive=False, elem_id="train-jobs")
    with gr.Row():
        checkpoint = gr.Dropdown(label="Checkpoint", choices=[], elem_id="train-checkpoint", scale=3)
        activate = gr.Button("Activate for the Demo tab", elem_id="train-activate", scale=1)
    active = gr.Markdown(elem_id="train-active")
    checkpoints_table = gr.Dataframe(label="Checkpoints and evaluation metrics", interactive=False,
                                     elem_id="train-checkpoints")
    timer = gr.Timer(2.0, active=False)

    overview_outputs = [export, base, job, jobs_table, checkpoint, checkpoints_table, active, device]
    refresh.click(handlers.overview, [user_state], overview_outputs, api_name="train_overview")
    export_button.click(handlers.export, [user_state, export_name], [export, message], api_name="train_export")
    launch.click(handlers.launch, [user_state, export, base, lora_r, lora_alpha, lora_dropout, epochs, batch_size, lr],
                 [job, jobs_table, message], api_name="train_launch")
    watch_outputs = [status, log, plot, jobs_table, checkpoints_table, checkpoint]
    job.change(handlers.watch, [user_state, job], watch_outputs, api_name="train_watch")
    timer.tick(handlers.tick, [user_state, job], watch_outputs + [job], api_name=False, show_progress="hidden")
    cancel.click(handlers.cancel, [user_state, job], [message], api_name="train_cancel")
    activate.click(handlers.activate, [user_state, checkpoint], [checkpoints_table, active], api_name="train_activate")
    return {"timer": timer, "overview": handlers.overview, "overview_outputs": overview_outputs}
