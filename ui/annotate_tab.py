"""Annotate tab: review claimed synthetic triplets (approve / edit-and-approve / reject / skip / undo)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr
from PIL import Image
from sqlalchemy import select

from db import ConflictError, InputError, LeaseError, NotFoundError, Store
from db.models import Sample
from db.queue import Claim, QueueFilter
from ui.auth import SessionUser, require
from ui.pose_assets import OutputArea

ANY = "(any)"
REJECT_REASONS = [
    "pose does not match the prompt",
    "implausible or broken pose",
    "description contradicts the pose",
    "inappropriate content",
    "prompt is not an action",
]
FLAG_CHOICES = ["any", "flagged only", "unflagged only"]


@dataclass(frozen=True)
class Held:
    """The sample this browser session holds a lease on, and the text it was shown with."""

    sample_id: int
    token: str
    refined: str


def queue_facets(store: Store) -> tuple[list[str], list[str]]:
    """Distinct categories and sources present in the store (for the filter menus)."""
    with store.read() as session:
        categories = session.scalars(select(Sample.category).distinct().order_by(Sample.category)).all()
        sources = session.scalars(select(Sample.source).distinct().order_by(Sample.source)).all()
    return list(categories), list(sources)


def _filters(category: str, source: str, flagged: str) -> QueueFilter:
    return QueueFilter(
        category=None if category in (None, "", ANY) else category,
        source=None if source in (None, "", ANY) else source,
        flagged={"flagged only": True, "unflagged only": False}.get(flagged),
    )


class AnnotateHandlers:
    """Server-side handlers of the Annotate tab; each checks the signed-in role first."""

    def __init__(self, store: Store, outputs: OutputArea) -> None:
        self.store = store
        self.outputs = outputs

    # -- views --------------------------------------------------------------------------------------------
    def _progress(self, user: SessionUser, filters: QueueFilter) -> str:
        overall = self.store.queue.progress(filters)
        mine = self.store.queue.annotator_progress(user.id)[0]
        agreement = self.store.queue.agreement()
        rate = "n/a (no sample has two reviews yet)" if agreement.rate is None else \
            f"{agreement.rate:.0%} over {agreement.samples} double-reviewed samples"
        return (f"**Queue** (current filters): {overall.approved + overall.rejected} of {overall.total} decided "
                f"({overall.done_fraction:.0%}) · {overall.pending} pending · {overall.approved} approved · "
                f"{overall.rejected} rejected  \n"
                f"**You ({user.name})**: {mine.approve} approved · {mine.edit_approve} edited · {mine.reject} rejected"
                f" · {mine.skipped} skipped · {mine.available} left for you  \n"
                f"**Agreement**: {rate}")

    def _show(self, user: SessionUser, claim: Claim | None, filters: QueueFilter, note: str = "") -> tuple:
        progress = self._progress(user, filters)
        if claim is None:
            message = note + ("  \n" if note else "") + "Nothing left to review with these filters."
            return (None, message, None, None, "", "", "", progress)
        sample = claim.sample
        assets = self.outputs.write(sample.to_pose(), stem=f"sample-{sample.id}")
        # The synthesis image lives in the imported directory, outside the app's file area: pass pixels, not a path.
        image = Image.open(sample.image) if sample.image and Path(sample.image).is_file() else assets.png
        flags = ", ".join(sample.flags) if sample.flags else "none"
        info = (f"{note}  \n" if note else "") + (
            f"**Sample {sample.id}** · {sample.category} / {sample.action} ({sample.variant or 'default'}) · "
            f"source `{sample.source}` · split {sample.split} · {'mirrored · ' if sample.mirrored else ''}"
            f"image: {sample.image_kind or 'render'} · flags: {flags} · reviews {sample.review_count}/"
            f"{sample.required_reviews}")
        held = Held(sample.id, claim.token, sample.detailed_refined)
        return (held, info, image, assets.glb, sample.abstract_prompt, sample.detailed_raw, sample.detailed_refined,
                progress)

    def _next(self, user: SessionUser, filters: QueueFilter, note: str = "") -> tuple:
        return self._show(user, self.store.queue.claim(user.id, filters), filters, note)

    # -- handlers -----------------------------------------------------------------------------------------
    def next_sample(self, user, held, category, source, flagged):
        """Claim (or re-show) the next sample for the current filters."""
        user = require(self.store, user, "annotator")
        filters = _filters(category, source, flagged)
        if held is not None:
            self.release_held(user, held)
        return self._next(user, filters)

    def decide(self, action: str, user, held, category, source, flagged, refined, reason):
        """approve / edit_approve / reject / skip the held sample, then claim the next one."""
        user = require(self.store, user, "annotator")
        filters = _filters(category, source, flagged)
        if held is None:
            raise gr.Error("No sample is open; press “Next sample” first.")
        refined = (refined or "").strip()
        try:
            if action == "skip":
                self.store.queue.skip(user.id, held.sample_id, held.token)
                note = f"Skipped sample {held.sample_id}."
            elif action == "reject":
                reason = (reason or "").strip()
                if not reason:
                    raise gr.Error("Choose or type a reason for the rejection.")
                self.store.queue.decide(user.id, held.sample_id, held.token, "reject", reason=reason)
                note = f"Rejected sample {held.sample_id} ({reason})."
            elif action == "approve" and refined == held.refined.strip():
                self.store.queue.decide(user.id, held.sample_id, held.token, "approve")
                note = f"Approved sample {held.sample_id}."
            else:  # edit_approve, or approve after the text was changed
                if refined == held.refined.strip():
                    raise gr.Error("The description is unchanged; edit it first or press Approve.")
                self.store.queue.decide(user.id, held.sample_id, held.token, "edit_approve", edited_text=refined)
                note = f"Approved sample {held.sample_id} with your edit."
        except LeaseError as exc:
            gr.Warning(f"Your hold on sample {held.sample_id} ended ({exc}); here is the next one.")
            return self._next(user, filters)
        except (InputError, NotFoundError) as exc:
            raise gr.Error(str(exc)) from exc
        return self._next(user, filters, note)

    def approve(self, user, held, category, source, flagged, refined, reason):
        """Approve the held sample (with the edit, if the refined text was changed)."""
        return self.decide("approve", user, held, category, source, flagged, refined, reason)

    def edit_approve(self, user, held, category, source, flagged, refined, reason):
        """Approve the held sample with the edited refined text."""
        return self.decide("edit_approve", user, held, category, source, flagged, refined, reason)

    def reject(self, user, held, category, source, flagged, refined, reason):
        """Reject the held sample with the chosen reason."""
        return self.decide("reject", user, held, category, source, flagged, refined, reason)

    def skip(self, user, held, category, source, flagged, refined, reason):
        """Pass on the held sample; it is not offered to this annotator again."""
        return self.decide("skip", user, held, category, source, flagged, refined, reason)

    def undo(self, user, held, category, source, flagged):
        """Undo my last decision and reopen that sample."""
        user = require(self.store, user, "annotator")
        filters = _filters(category, source, flagged)
        try:
            result = self.store.queue.undo_last(user.id)
        except ConflictError as exc:
            raise gr.Error("Nothing to undo: you have no decision left to take back.") from exc
        note = f"Undid your {result.review.decision.replace('_', '-')} of sample {result.review.sample_id}."
        if result.claim is None:
            return self._next(user, filters, note + " It is held by someone else now.")
        return self._show(user, result.claim, filters, note)

    def release_held(self, user: SessionUser, held: Held) -> None:
        """Give the held sample back to the queue (sign-out, filter change); fine if the lease already ended."""
        try:
            self.store.queue.release(user.id, held.sample_id, held.token)
        except (LeaseError, NotFoundError):
            pass  # already expired or decided: nothing to give back


def build_annotate_tab(handlers: AnnotateHandlers, user_state: gr.State) -> dict:
    """Lay out the Annotate tab; returns components other parts of the app update (filters)."""
    held = gr.State(None)
    gr.Markdown("Keys: **A** approve · **E** approve with your edit · **R** reject with the chosen reason · "
                "**S** skip · **U** undo last · **N** next. Ctrl+Enter in the description box approves the edit.")
    with gr.Row():
        category = gr.Dropdown([ANY], value=ANY, label="Category", allow_custom_value=False, scale=2,
                               elem_id="annotate-category")
        source = gr.Dropdown([ANY], value=ANY, label="Source", scale=2, elem_id="annotate-source")
        flagged = gr.Radio(FLAG_CHOICES, value="any", label="Flags", scale=2)
        next_button = gr.Button("Next sample (N)", elem_id="annotate-next", scale=1)
    info = gr.Markdown(elem_id="annotate-info")
    with gr.Row():
        with gr.Column(scale=3):
            image = gr.Image(label="Image / render", height=260, interactive=False, elem_id="annotate-image")
            mesh = gr.Model3D(label="3D pose (drag to rotate)", height=300, elem_id="annotate-mesh")
        with gr.Column(scale=4):
            prompt = gr.Textbox(label="Abstract prompt", interactive=False, elem_id="annotate-prompt")
            raw = gr.Textbox(label="Detailed description: raw (captioner output)", lines=3, interactive=False,
                             elem_id="annotate-raw")
            refined = gr.Textbox(label="Detailed description: refined (edit here, then E)", lines=4,
                                 interactive=True, elem_id="annotate-refined")
            reason = gr.Dropdown(REJECT_REASONS, value=REJECT_REASONS[0], label="Reject reason",
                                 allow_custom_value=True, elem_id="annotate-reason")
            with gr.Row():
                approve = gr.Button("Approve (A)", variant="primary", size="md", elem_id="annotate-approve")
                edit = gr.Button("Edit & approve (E)", size="md", elem_id="annotate-edit")
                reject = gr.Button("Reject (R)", variant="stop", size="md", elem_id="annotate-reject")
                skip = gr.Button("Skip (S)", size="md", elem_id="annotate-skip")
                undo = gr.Button("Undo (U)", size="md", elem_id="annotate-undo")
            progress = gr.Markdown(elem_id="annotate-progress")

    view = [held, info, image, mesh, prompt, raw, refined, progress]
    filters = [category, source, flagged]
    next_button.click(handlers.next_sample, [user_state, held, *filters], view, api_name="annotate_next")
    for button, handler in ((approve, handlers.approve), (edit, handlers.edit_approve), (reject, handlers.reject),
                            (skip, handlers.skip)):
        button.click(handler, [user_state, held, *filters, refined, reason], view,
                     api_name=f"annotate_{handler.__name__}")
    undo.click(handlers.undo, [user_state, held, *filters], view, api_name="annotate_undo")
    for control in filters:
        control.input(handlers.next_sample, [user_state, held, *filters], view, api_name=False)
    return {"category": category, "source": source, "view": view, "held": held, "filters": filters}
