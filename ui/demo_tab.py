"""Demo tab: abstract prompt -> streamed reasoning -> 3D mesh, render and SMPL downloads. No login."""
from __future__ import annotations

from collections.abc import Iterator

import gradio as gr

from core.generate import DEFAULT_SAMPLES, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, MAX_PROMPT_CHARS, PromptError
from ui.model_holder import ModelHolder
from ui.pose_assets import OutputArea

# One example per category of the seed taxonomy, worded as visitors write them.
EXAMPLES = [
    "Generate the pose of throwing a ball",
    "Someone waving goodbye to a friend",
    "A person doing a deep squat",
    "Generate the pose of a ballet dancer on one leg",
    "A karate fighter throwing a front kick",
    "Someone playing the violin",
    "A painter working on a canvas",
    "Generate the pose of hiking up a steep slope",
    "A police officer stopping traffic",
    "Two friends hugging, the pose of one of them",
    "A person sitting on a chair reading a book",
]


def make_demo_handler(holder: ModelHolder, outputs: OutputArea):
    """The streaming handler behind the Generate button: reasoning, render, downloads, status, and the two GLB
    paths for the viewers (set by :func:`show_meshes` in a follow-up event)."""

    def generate(prompt: str, seed: float, temperature: float, top_p: float, samples: float,
                 compare: bool) -> Iterator[tuple]:
        generator = holder.get()
        options = {"seed": int(seed), "temperature": float(temperature), "top_p": float(top_p),
                   "samples": int(samples)}
        reasoning, result = "", None
        try:
            for kind, payload in generator.stream(prompt, reasoning=True, **options):
                if kind == "text":
                    reasoning += payload
                    yield reasoning, None, None, None, "Writing the joint-level description…", None
                elif kind == "pose":
                    result = payload
            if result is None:
                raise gr.Error("The model finished without a pose; please try again or change the seed.")
            assets = outputs.write(result.pose, stem="pose")
            status = _timings(result.timings_ms)
            plain_glb = plain_png = None
            if compare:
                plain = generator.generate(prompt, reasoning=False, **options)
                plain_assets = outputs.write(plain.pose, stem="pose-no-reasoning")
                plain_glb, plain_png = plain_assets.glb, plain_assets.png
                status += f" · without reasoning: {plain.timings_ms.get('total_ms', 0):.0f} ms"
            yield (result.reasoning, assets.png, [assets.npz, assets.json, assets.glb], plain_png, status,
                   (assets.glb, plain_glb))
        except PromptError as exc:
            raise gr.Error(str(exc)) from exc

    return generate


def show_meshes(meshes: tuple[str, str | None] | None) -> tuple:
    """The viewers' GLBs, set in an event of their own: Gradio 6.31's Model3D never draws a mesh that arrives
    in a streaming event after earlier updates of that event."""
    return (gr.skip(), gr.skip()) if meshes is None else meshes


def _timings(timings_ms: dict) -> str:
    parts = [f"{name.removesuffix('_ms')} {value:.0f} ms" for name, value in timings_ms.items()]
    return "Done · " + ", ".join(parts)


def build_demo_tab(holder: ModelHolder, outputs: OutputArea, concurrency: int) -> None:
    """Lay out the Demo tab inside the current gr.Blocks/gr.Tab context."""
    with gr.Row():
        with gr.Column(scale=2):
            prompt = gr.Textbox(label="Abstract prompt", lines=2, max_length=MAX_PROMPT_CHARS, elem_id="demo-prompt",
                                placeholder="Generate the pose of throwing a ball")
            with gr.Accordion("Sampling", open=False):
                temperature = gr.Slider(label="Temperature (0 = always the most likely description)", minimum=0.0,
                                        maximum=1.5, step=0.05, value=DEFAULT_TEMPERATURE)
                top_p = gr.Slider(label="Top-p", minimum=0.05, maximum=1.0, step=0.05, value=DEFAULT_TOP_P)
                samples = gr.Slider(label="Reasonings written (the first, greedy one is shown and carries most "
                                          "of the pose)", minimum=1, maximum=16, step=1, value=DEFAULT_SAMPLES)
                seed = gr.Number(label="Seed (varies the sampled reasonings: temperature > 0, more than one)",
                                 value=0, precision=0, minimum=0)
                compare = gr.Checkbox(label="Also generate without reasoning (comparison)", value=False,
                                      elem_id="demo-compare")
            run = gr.Button("Generate", variant="primary", elem_id="demo-generate")
            gr.Examples(EXAMPLES, inputs=prompt, label="Examples from the action categories")
            reasoning = gr.Textbox(label="Reasoning: joint-level description", lines=6, interactive=False,
                                   elem_id="demo-reasoning")
            status = gr.Markdown(elem_id="demo-status")
        with gr.Column(scale=3):
            with gr.Row():
                mesh = gr.Model3D(label="3D pose (drag to rotate)", height=380, elem_id="demo-mesh")
                image = gr.Image(label="Render", height=380, interactive=False, elem_id="demo-render")
            files = gr.File(label="Downloads: SMPL parameters (.npz, .json) and mesh (.glb)", file_count="multiple",
                            interactive=False, height=120, elem_id="demo-files")
            with gr.Accordion("Without reasoning (comparison)", open=True):
                with gr.Row():
                    plain_mesh = gr.Model3D(label="3D pose without reasoning", height=260, elem_id="demo-plain-mesh")
                    plain_image = gr.Image(label="Render without reasoning", height=260, interactive=False)
    meshes = gr.State(None)
    handler = make_demo_handler(holder, outputs)
    event_args = dict(fn=handler, inputs=[prompt, seed, temperature, top_p, samples, compare],
                      outputs=[reasoning, image, files, plain_image, status, meshes],
                      api_name="generate", concurrency_limit=concurrency, concurrency_id="generate")
    viewer_args = dict(fn=show_meshes, inputs=meshes, outputs=[mesh, plain_mesh], api_name=False)
    run.click(**event_args).then(**viewer_args)
    prompt.submit(**{**event_args, "api_name": False}).then(**viewer_args)
