"""The whole app: header with sign-in, then the Demo, Annotate and Train tabs."""
from __future__ import annotations

import gradio as gr

from db import Store
from ui.annotate_tab import ANY, AnnotateHandlers, build_annotate_tab, queue_facets
from ui.auth import SessionUser, sign_in
from ui.demo_tab import build_demo_tab
from ui.jobs import JobManager
from ui.model_holder import ModelHolder
from ui.pose_assets import OutputArea
from ui.train_tab import TrainHandlers, build_train_tab

CSS = """
#header-title h1 { margin-bottom: 0; }
#signin-row { align-items: end; }
"""


def build_app(store: Store, holder: ModelHolder, jobs: JobManager, outputs: OutputArea,
              generation_concurrency: int) -> gr.Blocks:
    """Assemble the Blocks app; every protected handler checks the session user on the server."""
    annotate = AnnotateHandlers(store, outputs)
    train = TrainHandlers(store, jobs, holder)
    with gr.Blocks(title="CoT-Pose Studio") as app:
        user_state = gr.State(None)
        with gr.Row(elem_id="signin-row"):
            gr.Markdown("# CoT-Pose Studio\nAbstract prompt → joint-level reasoning → 3D pose.", elem_id="header-title")
            whoami = gr.Markdown("", elem_id="whoami")
            with gr.Group(visible=True) as signin_group:
                with gr.Row():
                    name = gr.Textbox(label="Team sign-in: user", scale=1, min_width=120, elem_id="signin-user")
                    password = gr.Textbox(label="Password", type="password", scale=1, min_width=120,
                                          elem_id="signin-password")
                    signin = gr.Button("Sign in", scale=0, min_width=90, elem_id="signin-button")
            signout = gr.Button("Sign out", visible=False, scale=0, min_width=90, elem_id="signout-button")
        with gr.Tabs(selected="demo") as tabs:
            with gr.Tab("Demo", id="demo"):
                build_demo_tab(holder, outputs, generation_concurrency)
            with gr.Tab("Annotate", id="annotate", visible=False) as annotate_tab:
                annotate_parts = build_annotate_tab(annotate, user_state)
            with gr.Tab("Train", id="train", visible=False) as train_tab:
                train_parts = build_train_tab(train, user_state)

        def do_sign_in(user_name: str, secret: str):
            user = sign_in(store, user_name, secret)
            admin = user.role == "admin"
            categories, sources = queue_facets(store)
            return (user, f"Signed in as **{user.name}** ({user.role})", gr.Group(visible=False),
                    gr.Button(visible=True), "", gr.Tab(visible=True), gr.Tab(visible=admin),
                    gr.Tabs(selected="train" if admin else "annotate"), gr.Timer(active=admin),
                    gr.Dropdown(choices=[ANY, *categories], value=ANY), gr.Dropdown(choices=[ANY, *sources], value=ANY))

        def do_sign_out(user: SessionUser | None, held):
            if user is not None and held is not None:
                annotate.release_held(user, held)
            return (None, None, "", gr.Group(visible=True), gr.Button(visible=False), gr.Tab(visible=False),
                    gr.Tab(visible=False), gr.Tabs(selected="demo"), gr.Timer(active=False))

        signed_in = signin.click(
            do_sign_in, [name, password],
            [user_state, whoami, signin_group, signout, password, annotate_tab, train_tab, tabs, train_parts["timer"],
             annotate_parts["category"], annotate_parts["source"]], api_name="sign_in")
        password.submit(lambda: None, None, None, js="() => document.getElementById('signin-button').click()",
                        api_name=False)
        signed_in.success(annotate.next_sample, [user_state, annotate_parts["held"], *annotate_parts["filters"]],
                          annotate_parts["view"], api_name=False)
        signed_in.success(train.overview_if_admin, [user_state], train_parts["overview_outputs"], api_name=False)
        signout.click(do_sign_out, [user_state, annotate_parts["held"]],
                      [user_state, annotate_parts["held"], whoami, signin_group, signout, annotate_tab, train_tab,
                       tabs, train_parts["timer"]], api_name="sign_out")
    return app
