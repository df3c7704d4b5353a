"""Keyboard shortcuts of the Annotate tab, installed once on page load (``launch(js=...)``)."""

# Keys click the button with the mapped elem_id when it is visible; keys typed into a text field are left alone,
# except Ctrl/Cmd+Enter in the refined-description box, which approves the edit.
SHORTCUTS_JS = """
() => {
  const keys = {a: "annotate-approve", e: "annotate-edit", r: "annotate-reject", s: "annotate-skip",
                u: "annotate-undo", n: "annotate-next"};
  const press = (id) => {
    const button = document.getElementById(id);
    if (button && button.offsetParent !== null && !button.disabled) { button.click(); return true; }
    return false;
  };
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (typing) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.closest("#annotate-refined")) {
        event.preventDefault();
        press("annotate-edit");
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const id = keys[event.key.toLowerCase()];
    if (id && press(id)) event.preventDefault();
  });
}
"""
